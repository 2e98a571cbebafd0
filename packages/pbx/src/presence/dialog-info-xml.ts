/**
 * The dialog-info document of the dialog event package (RFC 4235 §4):
 * always full state. `version` counts the notifications of one
 * subscription from 0 (§4.1.2); each dialog of the watched user's devices is
 * listed with its direction and state (§4.1.6.1), and with the user's own
 * identity and the other end's (§4.1.6.4) as extensions of the tenant.
 * Dialogs that ended since the last notification are listed once more as
 * `terminated`; with no dialogs the user is idle and the document is empty.
 * No Call-ID, tags or addresses are written (§4.1.6: all optional).
 */
import type { UserDialog } from './user-dialogs.ts';
import { entityOf, numberUri } from './watched-user.ts';
import type { WatchedUser } from './watched-user.ts';
import { xmlText } from './xml-text.ts';

export const DIALOG_INFO_TYPE = 'application/dialog-info+xml';

function identity(tag: 'local' | 'remote', number: string, display: string | null, domain: string) {
  if (number === '') return '';
  const name = display === null || display === '' ? '' : ` display="${xmlText(display)}"`;
  const uri = xmlText(numberUri(number, domain));
  return `<${tag}><identity${name}>${uri}</identity><target uri="${uri}"/></${tag}>`;
}

export function dialogInfoXml(
  user: WatchedUser,
  version: number,
  dialogs: readonly UserDialog[],
): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="full" entity="${xmlText(entityOf(user))}">`,
  ];
  for (const d of dialogs)
    lines.push(
      `<dialog id="${xmlText(d.id)}" direction="${d.direction}">` +
        `<state>${d.state}</state>` +
        identity('local', d.identity.number, d.identity.displayName, user.domain) +
        identity('remote', d.peer.number, d.peer.displayName, user.domain) +
        '</dialog>',
    );
  lines.push('</dialog-info>', '');
  return lines.join('\r\n');
}
