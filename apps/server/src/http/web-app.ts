/**
 * Serves the built web app (apps/web/dist): every file is read once at start
 * into memory (the build is a few hundred kB), so a request is a map lookup
 * and no request path ever reaches the file system. Hashed files under
 * /assets/ are cached for a year as immutable; index.html is revalidated.
 * Client-side routes get index.html, except the server's own prefixes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where the build lands when nothing is configured: apps/web/dist of this checkout. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
};

/** Paths the server answers itself: never the app's index.html. */
const SERVER_PREFIXES = ['/api', '/sip', '/setup', '/healthz', '/readyz', '/metrics'];

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
const MAX_FILES = 2_000;
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

export interface WebAppFile {
  readonly body: Buffer;
  readonly type: string;
  readonly cacheControl: string;
}

export interface WebApp {
  readonly root: string;
  readonly files: ReadonlyMap<string, WebAppFile>;
  readonly index: WebAppFile;
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile()) out.push(full);
    if (out.length > MAX_FILES) throw new Error(`web app at ${dir}: more than ${MAX_FILES} files`);
  }
}

/** Reads a built web app, or null when there is none (no index.html). */
export function loadWebApp(root: string): WebApp | null {
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    return null;
  }
  if (!isDir) return null;
  const paths: string[] = [];
  walk(root, paths);
  const files = new Map<string, WebAppFile>();
  let total = 0;
  for (const full of paths) {
    const url = '/' + relative(root, full).split(sep).join('/');
    const body = readFileSync(full);
    total += body.length;
    if (total > MAX_TOTAL_BYTES) throw new Error(`web app at ${root}: larger than 64 MiB`);
    files.set(url, {
      body,
      type: MIME[extname(full).toLowerCase()] ?? 'application/octet-stream',
      cacheControl: url.startsWith('/assets/') ? IMMUTABLE : REVALIDATE,
    });
  }
  const index = files.get('/index.html');
  if (!index) return null;
  return { root, files, index };
}

export function isServerPath(path: string): boolean {
  return SERVER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

function send(reply: FastifyReply, file: WebAppFile): FastifyReply {
  return reply
    .header('content-type', file.type)
    .header('cache-control', file.cacheControl)
    .send(file.body);
}

/** Registers the app's files and the client-side-route fallback (GET and HEAD). */
export function registerWebApp(app: FastifyInstance, web: WebApp): void {
  app.get('/*', (request, reply) => {
    const path = decodeURIComponentSafe(request.url.split('?')[0] ?? '/');
    if (path === null) return reply.callNotFound();
    const file = web.files.get(path);
    if (file) return send(reply, file);
    if (isServerPath(path) || path.startsWith('/assets/')) return reply.callNotFound();
    return send(reply, web.index);
  });
}

/** The app's page for a path the server owns (the setup link opens the app's setup page). */
export function sendWebAppIndex(reply: FastifyReply, web: WebApp): FastifyReply {
  return send(reply, web.index);
}

function decodeURIComponentSafe(path: string): string | null {
  if (path.length > 2048) return null;
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
