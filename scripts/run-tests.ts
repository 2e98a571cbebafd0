/**
 * Runs the whole test suite with node's test runner: every `*.test.ts` under
 * packages/, apps/ and tests/ (or the files and folders given as arguments).
 * Files run one at a time: conformance tests start real peers on fixed
 * loopback ports and must not race each other on a 2-core machine.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = process.argv.slice(2);

function collect(path: string, out: string[]): void {
  const st = statSync(path);
  if (st.isFile()) {
    if (path.endsWith('.test.ts')) out.push(path);
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.'))
      continue;
    collect(join(path, entry.name), out);
  }
}

const files: string[] = [];
for (const r of roots.length > 0 ? roots : ['packages', 'apps', 'tests'])
  collect(join(root, r), files);
files.sort();

const result = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    '--test-timeout=600000',
    '--test-reporter=spec',
    ...files.map((f) => relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
