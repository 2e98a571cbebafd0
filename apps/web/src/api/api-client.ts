/**
 * The one way the app talks to the server: JSON over fetch, same origin, the
 * session cookie sent by the browser, the CSRF token (kept in memory only,
 * never in storage) on every state-changing request.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let csrfToken = '';

/** The server hands out a new CSRF token at login, re-authentication and session rotation. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const unsafe = (m: Method) => m !== 'GET';

async function parse(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorFrom(status: number, body: unknown): ApiError {
  if (body !== null && typeof body === 'object') {
    const b = body as { error?: unknown; message?: unknown; details?: unknown };
    const code = typeof b.error === 'string' ? b.error : 'http_' + String(status);
    const message = typeof b.message === 'string' ? b.message : `the server answered ${status}`;
    const details =
      b.details !== null && typeof b.details === 'object'
        ? (b.details as Record<string, unknown>)
        : {};
    return new ApiError(status, code, message, details);
  }
  return new ApiError(status, 'http_' + String(status), `the server answered ${status}`, {});
}

export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (unsafe(method) && csrfToken !== '') headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'the server could not be reached', {});
  }
  const parsed = await parse(response);
  if (!response.ok) throw errorFrom(response.status, parsed);
  return parsed as T;
}

/** A query string from the set values of `params`. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/** Plain words for an error of any kind. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'rate_limited')
      return `Too many attempts: ${err.message}. Wait a while, or use the unlock link we e-mailed.`;
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return 'something went wrong';
}
