/**
 * Real peers come from Debian packages. A test asks for its peer's binary:
 * present → its path; missing and we are root → installed with apt-get;
 * otherwise → a reason the test prints when it skips.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

export type PeerLookup =
  | { readonly path: string; readonly skip?: undefined }
  | { readonly path?: undefined; readonly skip: string };

function which(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/sbin', '/sbin', '/usr/bin'])) {
    const candidate = `${dir}/${binary}`;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

let aptUpdated = false;

/** Installs Debian package `pkg` with apt-get (we are root); returns a reason on failure. */
function aptInstall(pkg: string): string | undefined {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore', timeout: 300_000 });
    aptUpdated = true;
  }
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], {
      env,
      stdio: 'ignore',
      timeout: 600_000,
    });
    return undefined;
  } catch {
    return `could not install Debian package ${pkg}`;
  }
}

/** Finds `binary`, installing Debian package `pkg` first if it is missing and we are root. */
export function debianPeer(pkg: string, binary: string): PeerLookup {
  const found = which(binary);
  if (found) return { path: found };
  if (process.getuid?.() !== 0)
    return {
      skip: `${binary} missing: install Debian package ${pkg} (scripts/install-test-packages.sh)`,
    };
  const failed = aptInstall(pkg);
  if (failed) return { skip: failed };
  const installed = which(binary);
  return installed ? { path: installed } : { skip: `${pkg} installed but ${binary} not found` };
}

/**
 * Finds the first of `files` (a plugin or data file rather than a binary),
 * installing Debian package `pkg` first if none exists and we are root.
 */
export function debianFile(pkg: string, files: readonly string[]): PeerLookup {
  const find = (): string | undefined => files.find((f) => existsSync(f));
  const found = find();
  if (found) return { path: found };
  if (process.getuid?.() !== 0)
    return { skip: `${files[0]} missing: install Debian package ${pkg}` };
  const failed = aptInstall(pkg);
  if (failed) return { skip: failed };
  const installed = find();
  return installed ? { path: installed } : { skip: `${pkg} installed but ${files[0]} not found` };
}
