/**
 * Contact (RFC 3261 §20.10): `*` or name-addrs with q, expires, and the
 * outbound parameters +sip.instance and reg-id (RFC 5626 §4.2).
 */
import { Scanner } from '../grammar/value-scanner.ts';
import { splitList } from '../grammar/list-split.ts';
import { NameAddr, readNameAddr } from './name-addr.ts';

export class ContactAddr extends NameAddr {
  /** q in [0, 1], `undefined` when absent. */
  get q(): number | undefined {
    const v = this.params.get('q');
    return v == null ? undefined : Number(v);
  }

  get expires(): number | undefined {
    const v = this.params.get('expires');
    return v == null ? undefined : Number(v);
  }

  /** +sip.instance without its quotes and angle brackets (e.g. `urn:uuid:...`). */
  get instance(): string | undefined {
    const v = this.params.get('+sip.instance');
    if (v == null) return undefined;
    return v.startsWith('<') && v.endsWith('>') ? v.slice(1, -1) : v;
  }

  get regId(): number | undefined {
    const v = this.params.get('reg-id');
    return v == null ? undefined : Number(v);
  }
}

export interface WildcardContact {
  readonly wildcard: true;
  toString(): string;
}

export const WILDCARD_CONTACT: WildcardContact = Object.freeze({
  wildcard: true as const,
  toString: () => '*',
});

export type Contact = ContactAddr | WildcardContact;

export function isWildcard(c: Contact): c is WildcardContact {
  return 'wildcard' in c;
}

function parseContactParam(value: string, maxUriLength?: number): ContactAddr {
  const s = new Scanner(value, 'contact');
  const { display, uri, params } = readNameAddr(s, maxUriLength);
  s.end();
  const q = params.get('q');
  if (q !== undefined && (q === null || !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(q))) s.fail('bad q');
  const expires = params.get('expires');
  if (
    expires !== undefined &&
    (expires === null || !/^\d{1,10}$/.test(expires) || Number(expires) > 2 ** 32 - 1)
  )
    s.fail('bad expires');
  const regId = params.get('reg-id');
  if (
    regId !== undefined &&
    (regId === null || !/^\d{1,10}$/.test(regId) || Number(regId) > 2 ** 31 - 1)
  )
    s.fail('bad reg-id');
  return new ContactAddr(display, uri, params);
}

export function parseContact(value: string, maxUriLength?: number): Contact[] {
  if (value.trim() === '*') return [WILDCARD_CONTACT];
  return splitList(value).map((v) => parseContactParam(v, maxUriLength));
}
