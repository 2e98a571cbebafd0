/**
 * The browser's SIP user agent (JsSIP over WSS, RFC 7118): registers with a
 * short-lived credential minted from the web session, kept in memory only and
 * minted again before it expires; places and answers one call at a time,
 * with hold/resume (re-INVITE sendonly), mute, DTMF (RFC 4733 through the
 * browser's RTCDTMFSender), blind transfer (REFER, RFC 3515) and the chosen
 * microphone and speaker. The remote audio plays in the page's <audio>.
 *
 *   connecting ──registered──▶ ready ◀──────────── call ended
 *        │                      │ dial / incoming        ▲
 *        ▼                      ▼                        │
 *     failed               calling/ringing ──answered──▶ active (held, muted)
 */
import { C as SipConstants, UA } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { RTCSessionEvent, UAConfiguration } from 'jssip/lib/UA';
import { md5ChallengeSocket } from './md5-challenge-socket.ts';

/** What `POST /api/v1/webphone/token` answers: SIP credentials valid for minutes, kept in memory only. */
export interface WebphoneToken {
  readonly wsUrl: string;
  readonly sipUri: string;
  readonly authorizationUser: string;
  readonly password: string;
  readonly displayName: string;
  readonly expiresAt: number;
}

export interface CallView {
  readonly peer: string;
  /** calling: our INVITE is out; active: answered. */
  readonly state: 'calling' | 'active';
  /** We put the call on hold. */
  readonly held: boolean;
  /** The other side put the call on hold. */
  readonly heldByPeer: boolean;
  readonly muted: boolean;
}

export interface PhoneSnapshot {
  readonly registered: boolean;
  readonly number: string | null;
  readonly statusText: string;
  readonly error: string | null;
  readonly call: CallView | null;
  readonly incoming: { readonly from: string } | null;
}

export interface AgentDeps {
  /** Mints a new credential (the web session's cookie authenticates the request). */
  readonly mint: () => Promise<WebphoneToken>;
  /** Where the remote audio plays. */
  readonly audio: () => HTMLAudioElement | null;
  readonly onChange: (s: PhoneSnapshot) => void;
}

/** A credential is minted again this long before it expires. */
const REMINT_MARGIN_MS = 60_000;
/** Registrations are refreshed well within a credential's life. */
const REGISTER_EXPIRES_S = 300;

function microphone(deviceId: string): MediaStreamConstraints {
  return { audio: deviceId ? { deviceId: { exact: deviceId } } : true, video: false };
}

/** The library types who started something as a declared enum it does not export at run time. */
const isLocal = (originator: string): boolean => originator === 'local';

function describePeer(session: RTCSession): string {
  const id = session.remote_identity;
  const user = id.uri.user ?? id.uri.host;
  return id.display_name ? `${id.display_name} (${user})` : user;
}

export class SoftphoneAgent {
  readonly #d: AgentDeps;
  #ua: UA | null = null;
  #domain = '';
  #session: RTCSession | null = null;
  #incoming: RTCSession | null = null;
  #remintTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #doNotDisturb = false;
  #snapshot: PhoneSnapshot = {
    registered: false,
    number: null,
    statusText: 'Connecting…',
    error: null,
    call: null,
    incoming: null,
  };

  constructor(deps: AgentDeps) {
    this.#d = deps;
  }

  get snapshot(): PhoneSnapshot {
    return this.#snapshot;
  }

  #set(patch: Partial<PhoneSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    this.#d.onChange(this.#snapshot);
  }

  #patchCall(patch: Partial<CallView>): void {
    const call = this.#snapshot.call;
    if (call) this.#set({ call: { ...call, ...patch } });
  }

  async start(): Promise<void> {
    const token = await this.#d.mint();
    if (this.#closed) return;
    this.#domain = token.sipUri.replace(/^sips?:[^@]*@/, '');
    const config: UAConfiguration = {
      sockets: [md5ChallengeSocket(token.wsUrl)],
      uri: token.sipUri,
      authorization_user: token.authorizationUser,
      password: token.password,
      display_name: token.displayName,
      register: true,
      register_expires: REGISTER_EXPIRES_S,
      session_timers: false,
      user_agent: 'Palisade web phone',
    };
    const ua = new UA(config);
    this.#ua = ua;
    const number = token.sipUri.replace(/^sips?:/, '');
    ua.on('registered', () =>
      this.#set({ registered: true, number, statusText: `Ready: ${number}`, error: null }),
    );
    ua.on('unregistered', () => this.#set({ registered: false, statusText: 'Not registered' }));
    ua.on('registrationFailed', (e) =>
      this.#set({
        registered: false,
        statusText: 'Not registered',
        error: `The phone could not register (${e.cause ?? 'unknown cause'}).`,
      }),
    );
    ua.on('disconnected', () =>
      this.#set({ registered: false, statusText: 'Connection lost; reconnecting…' }),
    );
    ua.on('newRTCSession', (e: RTCSessionEvent) => this.#onSession(e));
    this.#scheduleRemint(token.expiresAt);
    ua.start();
  }

  #scheduleRemint(expiresAt: number): void {
    clearTimeout(this.#remintTimer);
    const wait = Math.max(5_000, expiresAt - Date.now() - REMINT_MARGIN_MS);
    this.#remintTimer = setTimeout(() => void this.#remint(), wait);
  }

  async #remint(): Promise<void> {
    try {
      const token = await this.#d.mint();
      if (this.#closed || !this.#ua) return;
      // The next REGISTER refresh and the next challenged request use the new credential.
      this.#ua.set('authorization_user', token.authorizationUser);
      this.#ua.set('password', token.password);
      this.#scheduleRemint(token.expiresAt);
    } catch {
      if (this.#closed) return;
      // The web session ended (or the server is away): the phone stops rather than keep a stale credential.
      this.#set({ error: 'The phone lost its sign-in; reload the page to connect again.' });
      this.close();
    }
  }

  #onSession(e: RTCSessionEvent): void {
    const session = e.session;
    if (!isLocal(e.originator)) {
      if (this.#session || this.#incoming || this.#doNotDisturb) {
        session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
        return;
      }
      this.#incoming = session;
      this.#set({ incoming: { from: describePeer(session) } });
      session.on('failed', () => {
        if (this.#incoming !== session) return;
        this.#incoming = null;
        this.#set({ incoming: null });
      });
      return;
    }
    this.#session = session;
  }

  /** Wires a session that is (or is about to be) our current call. */
  #adopt(session: RTCSession, state: CallView['state']): void {
    this.#session = session;
    this.#set({
      error: null,
      call: { peer: describePeer(session), state, held: false, heldByPeer: false, muted: false },
    });
    const attach = (pc: RTCPeerConnection) =>
      pc.addEventListener('track', (t) => {
        const audio = this.#d.audio();
        if (!audio) return;
        audio.srcObject = t.streams[0] ?? new MediaStream([t.track]);
        void audio.play().catch(() => undefined);
      });
    if (session.connection) attach(session.connection);
    else session.on('peerconnection', (p) => attach(p.peerconnection));
    session.on('confirmed', () => this.#patchCall({ state: 'active' }));
    session.on('accepted', () => this.#patchCall({ state: 'active' }));
    session.on('hold', (h) =>
      this.#patchCall(isLocal(h.originator) ? { held: true } : { heldByPeer: true }),
    );
    session.on('unhold', (h) =>
      this.#patchCall(isLocal(h.originator) ? { held: false } : { heldByPeer: false }),
    );
    session.on('muted', () => this.#patchCall({ muted: true }));
    session.on('unmuted', () => this.#patchCall({ muted: false }));
    const ended = (cause: string, failed: boolean) => {
      if (this.#session !== session) return;
      this.#session = null;
      const audio = this.#d.audio();
      if (audio) audio.srcObject = null;
      this.#set({ call: null, error: failed ? `The call failed: ${cause}.` : null });
    };
    session.on('ended', (x) => ended(x.cause, false));
    session.on('failed', (x) =>
      ended(x.cause, String(x.cause) !== 'Canceled' && !isLocal(x.originator)),
    );
  }

  #target(number: string): string {
    return number.includes('@') ? `sip:${number}` : `sip:${number}@${this.#domain}`;
  }

  dial(number: string, microphoneId: string): void {
    if (!this.#ua || !this.#snapshot.registered) return this.#set({ error: 'Not registered.' });
    if (this.#session) return this.#set({ error: 'Hang up the current call first.' });
    try {
      const session = this.#ua.call(this.#target(number), {
        mediaConstraints: microphone(microphoneId),
        pcConfig: { iceServers: [] },
      });
      this.#adopt(session, 'calling');
    } catch (err) {
      this.#set({ error: `Could not call ${number}: ${String(err)}` });
    }
  }

  answer(microphoneId: string): void {
    const session = this.#incoming;
    if (!session) return;
    this.#incoming = null;
    this.#set({ incoming: null });
    this.#adopt(session, 'active');
    session.answer({ mediaConstraints: microphone(microphoneId), pcConfig: { iceServers: [] } });
  }

  reject(): void {
    const session = this.#incoming;
    if (!session) return;
    this.#incoming = null;
    this.#set({ incoming: null });
    session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
  }

  hangup(): void {
    const session = this.#session;
    if (session && !session.isEnded()) session.terminate();
  }

  toggleHold(): void {
    const session = this.#session;
    if (!session || !session.isEstablished()) return;
    if (session.isOnHold().local) session.unhold();
    else session.hold();
  }

  toggleMute(): void {
    const session = this.#session;
    if (!session) return;
    if (session.isMuted().audio) session.unmute({ audio: true });
    else session.mute({ audio: true });
  }

  dtmf(key: string): void {
    const session = this.#session;
    if (!session || !session.isEstablished() || !/^[0-9*#A-D]$/.test(key)) return;
    session.sendDTMF(key, {
      transportType: SipConstants.DTMF_TRANSPORT.RFC2833,
      duration: 120,
      interToneGap: 70,
    });
  }

  /** Blind transfer: the other side is sent on to `number`; we leave once the server accepts. */
  transfer(number: string): void {
    const session = this.#session;
    if (!session || !session.isEstablished()) return;
    session.refer(this.#target(number), {
      eventHandlers: {
        requestSucceeded: () => session.terminate(),
        requestFailed: () => this.#set({ error: `The transfer to ${number} was refused.` }),
      },
    });
  }

  /** With do-not-disturb on, incoming calls are answered busy. */
  setDoNotDisturb(on: boolean): void {
    this.#doNotDisturb = on;
  }

  /** Sends speaker output to a device (where the browser lets us choose). */
  async setSpeaker(deviceId: string): Promise<void> {
    const audio = this.#d.audio();
    if (audio && 'setSinkId' in audio) await audio.setSinkId(deviceId);
  }

  /** Unregisters (waiting up to 2 s for the answer), then closes: used before logout revokes the credential. */
  async closeGracefully(): Promise<void> {
    const ua = this.#ua;
    if (!ua || !this.#snapshot.registered) return this.close();
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      const finish = () => {
        clearTimeout(timer);
        resolve();
      };
      ua.once('unregistered', finish);
      ua.once('registrationFailed', finish);
    });
    this.close();
    await done;
  }

  /** Hangs up, unregisters, forgets the credential. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#remintTimer);
    for (const s of [this.#incoming, this.#session]) if (s && !s.isEnded()) s.terminate();
    this.#ua?.stop();
    this.#ua = null;
    this.#set({ registered: false, call: null, incoming: null, statusText: 'Disconnected' });
  }
}
