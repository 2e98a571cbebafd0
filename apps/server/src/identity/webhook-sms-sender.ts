/**
 * SMS through a provider's HTTPS webhook: a JSON POST `{ to, text }` with an
 * optional bearer token, the common shape of SMS gateway APIs. A cap on
 * messages per hour bounds the cost an attacker can cause.
 */
import { PalisadeError, type Clock } from '@palisade/common';
import type { SmsSender } from '@palisade/security';

export interface WebhookSmsSettings {
  readonly url: string;
  readonly bearerToken: string | null;
  readonly maxPerHour: number;
}

export class WebhookSmsSender implements SmsSender {
  readonly #s: WebhookSmsSettings;
  readonly #clock: Clock;
  #windowStart = 0;
  #sent = 0;

  constructor(settings: WebhookSmsSettings, clock: Clock) {
    if (!settings.url.startsWith('https://')) throw new Error('the SMS webhook must be https://');
    this.#s = settings;
    this.#clock = clock;
  }

  async send(to: string, text: string): Promise<void> {
    const now = this.#clock.now();
    if (now - this.#windowStart >= 3_600_000) {
      this.#windowStart = now;
      this.#sent = 0;
    }
    if (this.#sent >= this.#s.maxPerHour)
      throw new PalisadeError('rate_limited', 'the SMS limit for this hour is reached');
    this.#sent++;
    const res = await fetch(this.#s.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.#s.bearerToken ? { authorization: `Bearer ${this.#s.bearerToken}` } : {}),
      },
      body: JSON.stringify({ to, text }),
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
    await res.body?.cancel();
    if (!res.ok) throw new PalisadeError('unavailable', `the SMS provider answered ${res.status}`);
  }
}
