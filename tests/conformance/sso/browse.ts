/**
 * A minimal browser for driving the code flow without one: follows
 * redirects by hand, keeps cookies per host, and fills the IdP's login form.
 */
export class CookieJar {
  readonly #cookies = new Map<string, Map<string, string>>();

  store(url: URL, res: Response): void {
    const jar = this.#cookies.get(url.host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.#cookies.set(url.host, jar);
  }

  header(url: URL): string {
    return [...(this.#cookies.get(url.host) ?? new Map<string, string>())]
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }
}

const MAX_HOPS = 15;

/**
 * Goes to `start` and follows the IdP until it redirects to a URL for which
 * `isOurs` is true, logging in with `credentials` when the form appears.
 * Returns that URL (the callback with code, state and iss).
 */
export async function followToCallback(
  start: string,
  isOurs: (u: URL) => boolean,
  credentials: { readonly login: string; readonly password: string },
  jar = new CookieJar(),
): Promise<URL> {
  let url = new URL(start);
  let init: RequestInit = { method: 'GET' };
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: jar.header(url) },
      signal: AbortSignal.timeout(10_000),
    });
    jar.store(url, res);
    if (res.status >= 300 && res.status < 400) {
      await res.arrayBuffer();
      const next = new URL(res.headers.get('location') ?? '', url);
      if (isOurs(next)) return next;
      url = next;
      init = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action)
      throw new Error(`unexpected page at ${url.pathname}: ${res.status} ${html.slice(0, 300)}`);
    if (html.includes('id="error"')) throw new Error('the IdP refused the login');
    url = new URL(action, url);
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(credentials).toString(),
    };
  }
  throw new Error('too many redirects');
}
