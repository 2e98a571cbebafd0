/**
 * The presence document (PIDF, RFC 3863) with the person data model of
 * RFC 4479 and one RPID activity (RFC 4480): `open` while a device of the
 * user is registered and not on do-not-disturb, else `closed`; the
 * activity says why the user may not answer (on the phone, busy, away,
 * do-not-disturb as `busy`), and a note says it in words.
 */
import { entityOf } from './watched-user.ts';
import type { WatchedUser } from './watched-user.ts';
import { xmlText } from './xml-text.ts';

export const PIDF_TYPE = 'application/pidf+xml';

export type RpidActivity = 'on-the-phone' | 'busy' | 'away';

export interface PresenceDocument {
  readonly basic: 'open' | 'closed';
  readonly activity: RpidActivity | null;
  readonly note: string;
}

export function pidfXml(user: WatchedUser, doc: PresenceDocument): string {
  const activity = doc.activity ? `<rpid:activities><rpid:${doc.activity}/></rpid:activities>` : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${xmlText(entityOf(user))}">`,
    `<tuple id="t1"><status><basic>${doc.basic}</basic></status></tuple>`,
    `<dm:person id="p1">${activity}<dm:note>${xmlText(doc.note)}</dm:note></dm:person>`,
    '</presence>',
    '',
  ].join('\r\n');
}
