/**
 * A headless Chromium (Debian's) for the web app's end-to-end tests, with the
 * flags this machine needs (no background networking, fake media devices) and
 * exactly the test server's self-signed key trusted (WebAuthn refuses pages
 * with certificate errors). Also builds the web app when its build is stale.
 */
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const root = new URL('../..', import.meta.url).pathname;

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
] as const;

/** The built web app, for `PALISADE_HTTP_WEB_ROOT`. */
export const WEB_ROOT = join(root, 'apps', 'web', 'dist');

/** Builds apps/web/dist when missing or older than its sources (bounded to 3 minutes). */
export function ensureWebBuild(): void {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-web-if-stale.ts')], {
    cwd: root,
    stdio: 'inherit',
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error('the web app did not build');
}

/** For WebRTC between pages on one machine (inside a network namespace with only `lo`). */
export const WEBRTC_LOOPBACK_FLAGS = [
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
] as const;

export async function launchChromium(
  executablePath: string,
  caPem: string,
  extraArgs: readonly string[] = [],
): Promise<Browser> {
  const spki = createHash('sha256')
    .update(new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  return chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: [...CHROMIUM_FLAGS, ...extraArgs, `--ignore-certificate-errors-spki-list=${spki}`],
  });
}

/** Screenshots land in test-output/<area>/ (git-ignored). */
export function screenshotter(area: string): (page: Page, name: string) => Promise<void> {
  const dir = join(root, 'test-output', area);
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (page, name) => {
    n += 1;
    await page.screenshot({
      path: join(dir, `${String(n).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
}

/** Collects CSP violations and page errors, so a test can assert the app runs under the CSP. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text()))
      problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

export interface FreshPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** CSP violations and page errors seen (see `watchProblems`). */
  readonly problems: string[];
}

/**
 * Steps of a browser test: each starts a fresh context and page (dialogs
 * accepted), and a failing step leaves a screenshot of the page in use
 * (`<failureName>`, numbered like the others).
 */
export function browserSteps(
  browser: () => Browser,
  shot: (page: Page, name: string) => Promise<void>,
  failureName: string,
): {
  readonly freshPage: () => Promise<FreshPage>;
  /** The page a failure screenshot shows, when a step goes back to an earlier one. */
  readonly use: (page: Page) => void;
  readonly withFailureShot: (steps: () => Promise<void>) => Promise<void>;
} {
  let current: Page | undefined;
  return {
    freshPage: async () => {
      const context = await browser().newContext({ viewport: { width: 1100, height: 800 } });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      page.on('dialog', (d) => void d.accept());
      current = page;
      return { context, page, problems: watchProblems(page) };
    },
    use: (page) => {
      current = page;
    },
    withFailureShot: async (steps) => {
      try {
        await steps();
      } catch (err) {
        if (current && !current.isClosed()) await shot(current, failureName).catch(() => undefined);
        throw err;
      }
    },
  };
}
