/**
 * The INVITE the B2BUA sends to a branch (a callee's contact): our own
 * Call-ID, tag and Contact (topology hiding), the caller shown by
 * extension and display name, Max-Forwards one less than the caller's,
 * and our session-timer terms (RFC 4028: we refresh, refresher=uac).
 */
import { randomInt } from 'node:crypto';
import { NameAddr, createRequest, newCallId, newTag, sipUri } from '@palisade/sip';
import type { SipRequest } from '@palisade/sip';
import type { AuthenticatedCaller } from './caller-authenticator.ts';
import type { CallTarget } from './call-ports.ts';
import type { CallSignalling } from './call-signalling.ts';
import { CALL_ALLOW, CALL_SUPPORTED } from './call-signalling.ts';

export interface BranchInvite {
  /** The caller's INVITE (for Max-Forwards). */
  readonly invite: SipRequest;
  readonly caller: AuthenticatedCaller;
  readonly signalling: CallSignalling;
  /** Session-Expires and Min-SE we send (seconds). */
  readonly sessionInterval: number;
  readonly minSessionExpires: number;
  readonly target: CallTarget;
  readonly offer: string;
  /** The number shown as dialled (To). */
  readonly number: string;
}

export function branchInvite(b: BranchInvite): SipRequest {
  const domain = b.caller.tenant.sipDomain;
  const { user } = b.caller;
  const maxForwards = Math.max(0, (b.invite.first('max-forwards') ?? 70) - 1);
  return createRequest({
    method: 'INVITE',
    uri: b.target.uri,
    from: new NameAddr(user.displayName, sipUri({ user: user.extension, host: domain })).withTag(
      newTag(),
    ),
    to: new NameAddr(undefined, sipUri({ user: b.number, host: domain })),
    callId: newCallId(),
    cseq: randomInt(1, 2 ** 20),
    maxForwards,
    contact: [b.signalling.contact(b.target.destination)],
    headers: [
      ['Allow', CALL_ALLOW],
      ['Supported', CALL_SUPPORTED],
      ['Session-Expires', `${b.sessionInterval};refresher=uac`],
      ['Min-SE', String(b.minSessionExpires)],
    ],
    body: Buffer.from(b.offer),
    contentType: 'application/sdp',
  });
}
