/**
 * Offers inside an answered call: a re-INVITE or UPDATE from either phone
 * (hold, resume, codec change, session refresh) goes through the media
 * engine to the other leg and its answer comes back (RFC 3264, RFC 3311);
 * INFO (e.g. SIP INFO DTMF) passes to the other leg as it is.
 */
import { isPalisadeError } from '@palisade/common';
import type { ServerTransaction, SipRequest } from '@palisade/sip';
import type { AnsweredCall, Respond } from './call-context.ts';
import { sdpOf } from './call-signalling.ts';
import { isAnswered } from './call-state.ts';
import type { DialogLeg } from './dialog-leg.ts';
import { offerOptions } from './media-transport.ts';

/** A re-INVITE or UPDATE (hold, resume, codec change, refresh): offer through the media engine to the other leg. */
export async function renegotiate(
  call: AnsweredCall,
  leg: DialogLeg,
  request: SipRequest,
  transaction: ServerTransaction,
  respond: Respond,
): Promise<void> {
  const other = call.otherLeg(leg);
  const media = call.media();
  const isInvite = request.method === 'INVITE' && transaction.kind === 'invite-server';
  const ackTimeout = (): void => void call.hangUp('system', 'ack_timeout');
  if (!isAnswered(call.state())) return respond(491);
  // RFC 3261 §14.2 / RFC 3311 §5.2: one offer at a time
  if (call.negotiation.busy || !other || !media)
    return respond(491, { headers: [['Retry-After', '1']] });
  call.sessionRefreshed();
  const offer = sdpOf(request);
  if (offer === undefined) {
    // a refresh without an offer: our last SDP stands (RFC 4028 §9 allows an UPDATE without a body)
    if (isInvite) leg.answerInvite(transaction, 200, leg.lastSdp, [], ackTimeout);
    else respond(200);
    return;
  }
  call.negotiation.busy = true;
  try {
    // each phone keeps its own profile: a browser is re-offered WebRTC, a phone RTP or SDES
    const out = await media.offer(
      leg.mediaLeg,
      offer,
      offerOptions(call.codecs, leg.destination, other.mediaTransport),
    );
    const { response, origin } = await other.request(request.method, { body: out });
    if (response.status >= 300) {
      if (response.status === 481 || origin !== 'network') {
        await call.hangUp('system', 'peer_gone');
        return respond(481);
      }
      return respond(response.status === 488 ? 488 : response.status === 491 ? 491 : 488);
    }
    const theirs = sdpOf(response);
    if (theirs === undefined) return respond(488);
    other.lastSdp = out;
    call.remoteSdp.set(leg.mediaLeg, offer);
    call.remoteSdp.set(other.mediaLeg, theirs);
    // the call may have ended while the other phone answered
    const current = call.media();
    if (!current) throw new Error('the call has no media session');
    const answer = await current.answer(other.mediaLeg, theirs, {
      signallingAddress: other.destination.host,
    });
    if (isInvite) leg.answerInvite(transaction, 200, answer, [], ackTimeout);
    else {
      leg.lastSdp = answer;
      respond(200, { sdp: answer });
    }
  } catch (err) {
    respond(isPalisadeError(err) ? err.sipStatus : 500);
  } finally {
    call.negotiation.busy = false;
  }
}

/** INFO (e.g. SIP INFO DTMF) passes to the other leg; its answer comes back. */
export async function relayInfo(
  call: Pick<AnsweredCall, 'otherLeg'>,
  leg: DialogLeg,
  request: SipRequest,
  respond: Respond,
): Promise<void> {
  const other = call.otherLeg(leg);
  if (!other) return respond(481);
  const type = request.first('content-type');
  const { response } = await other.request(request.method, {
    ...(type && request.body.length > 0
      ? { body: request.body, contentType: `${type.type}/${type.subtype}` }
      : {}),
  });
  respond(response.status);
}
