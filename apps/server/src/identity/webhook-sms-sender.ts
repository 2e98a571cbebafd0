/**
 * SMS through a provider's HTTPS webhook: a JSON POST `{ to, text }` with an
 * optional bearer token, the common shape of SMS gateway APIs. The provider's
 * certificate is validated (system store, or a configured CA). A cap on
 * messages per hour bounds the cost an attacker can cause; codes are also
 * rate-limited per account and tenant before they get here.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { PalisadeError, type Clock } from '@palisade/common';
import type { SmsSender } from '@palisade/security';

export interface WebhookSmsSettings {
  readonly url: string;
  readonly bearerToken: string | null;
  readonly maxPerHour: number;
  readonly caFile?: string | null;
}

export class WebhookSmsSender implements SmsSender {
  readonly #s: WebhookSmsSettings;
  readonly #clock: Clock;
  readonly #ca: string | undefined;
  #windowStart = 0;
  #sent = 0;

  constructor(settings: WebhookSmsSettings, clock: Clock) {
    if (!settings.url.startsWith('https://')) throw new Error('the SMS webhook must be https://');
    this.#s = settings;
    this.#clock = clock;
    this.#ca = settings.caFile ? readFileSync(settings.caFile, 'utf8') : undefined;
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
    const status = await this.#post(JSON.stringify({ to, text }));
    if (status < 200 || status > 299)
      throw new PalisadeError('unavailable', `the SMS provider answered ${status}`);
  }

  #post(body: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        this.#s.url,
        {
          method: 'POST',
          timeout: 10_000,
          minVersion: 'TLSv1.2',
          rejectUnauthorized: true,
          ...(this.#ca ? { ca: this.#ca } : {}),
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            ...(this.#s.bearerToken ? { authorization: `Bearer ${this.#s.bearerToken}` } : {}),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('timeout', () => req.destroy(new Error('SMS provider timeout')));
      req.on('error', (err) =>
        reject(
          new PalisadeError('unavailable', 'the SMS provider could not be reached', { cause: err }),
        ),
      );
      req.end(body);
    });
  }
}
