/**
 * Transfer inside a call (RFC 3515 REFER, RFC 3891 Replaces, RFC 5589).
 * Leg X of the call (the transferor) talks to Y (the transferee): a blind
 * transfer rings the Refer-To extension and puts it in X's place; an
 * attended transfer takes T, the far end of X's dialog with another call,
 * into X's place. The procedures work on the call's narrow view
 * (`TransferringCall`); the other call of an attended transfer is seen only
 * as a `ReplacedCall`.
 */
import { isPalisadeError } from '@palisade/common';
import type { Clock } from '@palisade/common';
import type { LegId, MediaSession, MediaTransport } from '@palisade/media';
import { reasonPhrase, unescapeComponent } from '@palisade/sip';
import type { SipRequest } from '@palisade/sip';
import type { CdrCauseSide } from '../ports/cdr-repository.ts';
import type { PbxRepositories } from '../ports/pbx-store.ts';
import type { AnsweredCall, Respond } from './call-context.ts';
import { ringingParties } from './call-parties.ts';
import type { CallParty, PartyIdentity } from './call-parties.ts';
import type { CallTarget, LocationLookup } from './call-ports.ts';
import type { CallSettings } from './call-settings.ts';
import type { CallSignalling } from './call-signalling.ts';
import { sdpOf } from './call-signalling.ts';
import { classifyNumber } from './dial-plan.ts';
import { DialogLeg } from './dialog-leg.ts';
import { calleeTransport, offerOptions } from './media-transport.ts';
import { RingAttempt } from './ring-attempt.ts';
import type { AttemptOutcome } from './ring-attempt.ts';

/** The call whose leg sent the REFER, as the transfer procedures see it. */
export interface TransferringCall extends AnsweredCall {
  readonly signalling: CallSignalling;
  readonly clock: Clock;
  readonly tenantId: string;
  readonly users: PbxRepositories['users'];
  readonly location: LocationLookup;
  /** The tenant's call settings (dial plan, no-answer time, SRTP policy). */
  settings(): Promise<CallSettings>;
  /** The INVITE that rings `target` with `offer`, addressed to `number`. */
  branchInvite(target: CallTarget, offer: string, number: string): SipRequest;
  /** Stops routing a leg's dialog here; the call goes on with the rest. */
  dropLeg(leg: DialogLeg): void;
  /** Takes a leg into this call in `slot`. */
  adopt(leg: DialogLeg, slot: LegId): void;
  /** Who a blind transfer rings now (undefined once it is settled): busy lamps show them ringing. */
  transferRinging(parties: (() => readonly CallParty[]) | undefined): void;
  /** Someone stopped ringing for the transfer. */
  partiesChanged(): void;
  /** Another call holding the dialog named by a Replaces (either tag order); never this call. */
  replacedCall(
    callId: string,
    tagA: string,
    tagB: string,
  ): { readonly call: ReplacedCall; readonly leg: DialogLeg } | undefined;
}

/** The other call of an attended transfer: it gives up T and then ends. */
export interface ReplacedCall {
  otherLeg(leg: DialogLeg): DialogLeg | undefined;
  /** Gives up a leg another call takes over: no BYE for it from there. */
  release(leg: DialogLeg): void;
  hangUp(side: CdrCauseSide, cause: string): Promise<void>;
}

/**
 * REFER from leg X of this call (X talks to Y): blind transfer rings the
 * Refer-To extension and puts it in X's place; with Replaces (attended
 * transfer) the named dialog of another call (X's call with T) gives T,
 * which is moved into X's place by a re-INVITE. X learns the outcome by
 * NOTIFY with a message/sipfrag body and is then hung up.
 */
export async function refer(
  call: TransferringCall,
  x: DialogLeg,
  request: SipRequest,
  respond: Respond,
): Promise<void> {
  const y = call.otherLeg(x);
  const referTo = request.first('refer-to');
  if (!referTo || referTo.uri.kind !== 'sip') return respond(400);
  if (
    call.state() !== 'confirmed' ||
    !y ||
    !call.media() ||
    call.negotiation.busy ||
    call.negotiation.transferor
  )
    return respond(491);
  const replaces = referTo.uri.headers.find(([n]) => n.toLowerCase() === 'replaces')?.[1];
  const number = referTo.uri.user === undefined ? undefined : unescapeComponent(referTo.uri.user);
  respond(202);
  call.negotiation.transferor = x;
  call.negotiation.busy = true;
  const notify = (status: number, final: boolean): Promise<unknown> =>
    x.dialog.state === 'terminated'
      ? Promise.resolve()
      : x
          .request('NOTIFY', {
            body: `SIP/2.0 ${status} ${reasonPhrase(status)}\r\n`,
            contentType: 'message/sipfrag;version=2.0',
            headers: [
              ['Event', 'refer'],
              ['Subscription-State', final ? 'terminated;reason=noresource' : 'active;expires=60'],
            ],
          })
          .catch(() => undefined);
  void notify(100, false);
  let status: number;
  try {
    status = replaces
      ? await attendedTransfer(call, x, y, unescapeComponent(replaces))
      : await blindTransfer(call, x, y, number);
  } catch (err) {
    status = isPalisadeError(err) ? err.sipStatus : 500;
  } finally {
    call.negotiation.busy = false;
  }
  await notify(status, true);
  call.negotiation.transferor = undefined;
  if (status < 300) {
    call.dropLeg(x);
    if (x.dialog.state !== 'terminated') void x.bye();
  } else if (x.dialog.state === 'terminated') {
    // the transferor left and the transfer failed: the call is over
    await call.hangUp('system', 'transfer_failed');
  }
}

async function blindTransfer(
  call: TransferringCall,
  x: DialogLeg,
  y: DialogLeg,
  number: string | undefined,
): Promise<number> {
  const media = call.media();
  if (!media || number === undefined) return 404;
  const settings = await call.settings();
  if (classifyNumber(number, settings) !== 'internal') return 403;
  const user = await call.users.findByExtension(call.tenantId, number);
  if (!user || user.state !== 'active') return 404;
  const contacts = await call.location.contactsOf(user.tenantId, user.id);
  if (contacts.length === 0) return 480;
  const ySdp = call.remoteSdp.get(y.mediaLeg);
  if (ySdp === undefined) return 500;
  // y keeps its relay ports, so one session, one offer: the devices of the first contact's class ring
  const classOf = (t: CallTarget): MediaTransport =>
    calleeTransport(t.destination, y.mediaTransport, settings.phoneSrtp);
  const transport = classOf(contacts[0] as CallTarget);
  const targets = contacts.filter((t) => classOf(t) === transport);
  const offer = await media.offer(
    y.mediaLeg,
    ySdp,
    offerOptions(call.codecs, y.destination, transport),
  );
  const attempt = new RingAttempt({
    signalling: call.signalling,
    clock: call.clock,
    targets,
    seconds: settings.noAnswerSeconds,
    invite: (t) => call.branchInvite(t, offer, number),
    hooks: { provisional: () => undefined, branchEnded: () => call.partiesChanged() },
  });
  const identity = { number, displayName: user.displayName };
  call.transferRinging(() => ringingParties(attempt.ringing(), y.party.identity, identity));
  try {
    const outcome = await attempt.outcome;
    return await transferOutcome(call, { x, media, offer, identity, transport }, outcome);
  } finally {
    call.transferRinging(undefined);
  }
}

/** Where a blind transfer's ringing ended: the answering phone takes the transferor's place. */
async function transferOutcome(
  call: TransferringCall,
  ringing: {
    readonly x: DialogLeg;
    readonly media: MediaSession;
    readonly offer: string;
    readonly identity: PartyIdentity;
    readonly transport: MediaTransport;
  },
  outcome: AttemptOutcome,
): Promise<number> {
  const { x, media, offer, identity, transport } = ringing;
  switch (outcome.kind) {
    case 'answered': {
      const body = sdpOf(outcome.response);
      const slot = x.mediaLeg;
      if (body === undefined || call.state() !== 'confirmed') {
        outcome.fork.hangUp(outcome.dialog);
        return 488;
      }
      await media.answer(slot, body, { signallingAddress: outcome.fork.target.destination.host });
      call.dropLeg(x);
      call.remoteSdp.set(slot, body);
      call.adopt(
        new DialogLeg(call.signalling, call.clock, {
          mediaLeg: slot,
          dialog: outcome.dialog,
          destination: outcome.fork.target.destination,
          peerMessage: outcome.response,
          lastSdp: offer,
          mediaTransport: transport,
          party: {
            userId: outcome.fork.target.userId,
            deviceId: outcome.fork.target.deviceId,
            direction: 'recipient',
            identity,
          },
        }),
        slot,
      );
      return 200;
    }
    case 'busy':
      return 486;
    case 'no_answer':
      return 480;
    case 'cancelled':
      return 487;
    case 'failed':
      return outcome.status;
  }
}

async function attendedTransfer(
  call: TransferringCall,
  x: DialogLeg,
  y: DialogLeg,
  replaces: string,
): Promise<number> {
  const media = call.media();
  const [callId, ...params] = replaces.split(';');
  const param = (name: string): string | undefined =>
    params.map((p) => p.trim().split('=')).find(([k]) => k?.toLowerCase() === name)?.[1];
  const toTag = param('to-tag');
  const fromTag = param('from-tag');
  if (!media || !callId || !toTag || !fromTag) return 400;
  const found = call.replacedCall(callId, toTag, fromTag);
  if (!found) return 481;
  const t = found.call.otherLeg(found.leg);
  const ySdp = call.remoteSdp.get(y.mediaLeg);
  if (!t || ySdp === undefined) return 481;
  // T moves to this call's relay: a re-INVITE with the relay's offer (RFC 3891 §3 effect, done by the B2BUA)
  const offer = await media.offer(
    y.mediaLeg,
    ySdp,
    offerOptions(call.codecs, y.destination, t.mediaTransport),
  );
  const { response, origin } = await t.request('INVITE', { body: offer });
  const body = sdpOf(response);
  if (origin !== 'network' || response.status >= 300 || body === undefined)
    return response.status >= 300 ? response.status : 488;
  const slot = x.mediaLeg;
  await media.answer(slot, body, { signallingAddress: t.destination.host });
  found.call.release(t);
  call.dropLeg(x);
  call.remoteSdp.set(slot, body);
  t.lastSdp = offer;
  call.adopt(t, slot);
  void found.call.hangUp(found.leg.mediaLeg === 'a' ? 'caller' : 'callee', 'transferred');
  return 200;
}
