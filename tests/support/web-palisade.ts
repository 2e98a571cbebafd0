/** A real Palisade serving the built web app, for the browser tests. */
import { freeTcpPort } from './ports.ts';
import { startSipPalisade, type SipPalisade } from './sip-palisade.ts';
import { WEB_ROOT } from './web-browser.ts';

/** A real Palisade (SQLite) serving apps/web/dist on a free port of 127.0.0.1, as https://localhost. */
export async function startWebPalisade(
  env: Record<string, string> = {},
): Promise<{ p: SipPalisade; origin: string }> {
  const port = await freeTcpPort();
  const origin = `https://localhost:${String(port)}`;
  const p = await startSipPalisade({
    PALISADE_HTTP_PORT: String(port),
    PALISADE_HTTP_PUBLIC_URL: origin,
    PALISADE_HTTP_WEB_ROOT: WEB_ROOT,
    ...env,
  });
  return { p, origin };
}
