/**
 * Offers inside an answered call: a re-INVITE or UPDATE from either phone
 * (hold, resume, codec change, session refresh) goes through the media
 * engine to the other leg and its answer comes back (RFC 3264, RFC 3311);
 * INFO (e.g. SIP INFO DTMF) passes to the other leg as it is.
 *
 * A re-INVITE without SDP (a refresh, or how some phones resume) gets our
 * offer in the 2xx: the SDP we last sent that phone, unchanged (RFC 3264
 * §8: an unchanged offer keeps its version), and the phone's answer comes
 * in the ACK (`answerInAck`, RFC 3261 §13.2.1). An UPDATE without a body
 * (RFC 4028 §9) just gets 200.
 */
import { isPalisadeError } from '@palisade/common';
import type { ServerTransaction, SipRequest } from '@palisade/sip';
import type { AnsweredCall, Respond } from './call-context.ts';
import { sdpOf } from './call-signalling.ts';
import { isAnswered } from './call-state.ts';
import type { DialogLeg } from './dialog-leg.ts';
import { acceptableAnswer, adoptAnswer } from './late-offer.ts';
import { offerOptions } from './media-transport.ts';

/**
 * The ACK that owes the answer to our offer in a 2xx (`offer`). The answer
 * goes into the media engine as `leg`'s SDP (the other phone re-offered
 * only if its side of the relay changes, late-offer.ts). Resolves to why
 * it failed (no SDP, an answer we cannot use, an engine refusal), or
 * undefined when the answer was taken.
 */
export async function answerInAck(
  call: AnsweredCall,
  leg: DialogLeg,
  ack: SipRequest,
  offer: string,
): Promise<'no_answer_in_ack' | 'unacceptable_answer' | 'media_error' | undefined> {
  const answer = sdpOf(ack);
  if (answer === undefined) return 'no_answer_in_ack';
  if (!acceptableAnswer(offer, answer)) return 'unacceptable_answer';
  const other = call.otherLeg(leg);
  const media = call.media();
  const answered = other && call.remoteSdp.get(other.mediaLeg);
  const previous = call.remoteSdp.get(leg.mediaLeg);
  if (!other || !media || answered === undefined || previous === undefined) return 'media_error';
  call.negotiation.busy = true;
  try {
    other.lastSdp = await adoptAnswer(
      media,
      leg.mediaLeg,
      answer,
      previous,
      offerOptions(call.codecs, leg.destination, other.mediaTransport),
      {
        leg: other.mediaLeg,
        offered: other.lastSdp,
        answered,
        signallingAddress: other.destination.host,
        reoffer: async (sdp) => {
          const { response } = await other.request('INVITE', { body: sdp });
          const theirs = response.status < 300 ? sdpOf(response) : undefined;
          if (theirs !== undefined) call.remoteSdp.set(other.mediaLeg, theirs);
          return theirs;
        },
      },
    );
    call.remoteSdp.set(leg.mediaLeg, answer);
    return undefined;
  } catch {
    return 'media_error';
  } finally {
    call.negotiation.busy = false;
  }
}

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
    // no offer: a re-INVITE gets ours (answered in the ACK); an UPDATE without a body just 200
    if (isInvite) leg.answerInvite(transaction, 200, leg.lastSdp, [], ackTimeout, true);
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
