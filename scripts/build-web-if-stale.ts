/**
 * `npm start` runs this first: builds the web app when apps/web/dist is
 * missing or older than any of its sources (its own and those of the
 * packages it bundles), so a fresh clone's `npm ci && npm start` serves the
 * console and the user app.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const web = join(import.meta.dirname, '..', 'apps', 'web');
const built = join(web, 'dist', 'index.html');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

/** The workspace packages the web app bundles (the only ones its linter lets it import). */
const bundled = [join(web, '..', '..', 'packages', 'catalogue', 'src')];
const sources = ['src', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json']
  .map((p) => join(web, p))
  .concat(bundled)
  .filter((p) => existsSync(p));
const stale = !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;

if (stale) {
  console.log('building the web app (apps/web/dist)…');
  // Vite's own CLI under this Node (no npm on PATH needed, e.g. in CI).
  const vitePackage = createRequire(join(web, 'package.json')).resolve('vite/package.json');
  const r = spawnSync(process.execPath, [join(dirname(vitePackage), 'bin', 'vite.js'), 'build'], {
    stdio: 'inherit',
    cwd: web,
    timeout: 180_000,
  });
  if (r.status !== 0) console.error('the web app did not build; the server will run API-only');
}
