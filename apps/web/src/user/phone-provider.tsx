/**
 * Keeps the softphone alive across the user app's pages: one SIP user agent
 * per signed-in session (registered while any user page is open), the
 * <audio> element the remote side plays in, and the incoming-call
 * notification, shown on whichever page is open. The SIP credential is
 * minted from the web session (`POST /api/v1/webphone/token`) and lives in
 * memory only. The user's status (available, away, busy, do not disturb)
 * is kept on the server (presence.ts).
 */
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, describeError } from '../api/api-client.ts';
import { useSession } from '../app/session.tsx';
import type { PresenceStatus } from '../api/types.ts';
import { loadMyPresence, setMyPresence } from './presence.ts';
import type { PhoneSnapshot, SoftphoneAgent, WebphoneToken } from './softphone-agent.ts';

export type Presence = PresenceStatus;

export interface Phone extends PhoneSnapshot {
  readonly ready: boolean;
  readonly presence: Presence;
  readonly setPresence: (p: Presence) => void;
  readonly microphone: string;
  readonly speaker: string;
  readonly setMicrophone: (deviceId: string) => void;
  readonly setSpeaker: (deviceId: string) => void;
  readonly dial: (target: string) => void;
  readonly answer: () => void;
  readonly reject: () => void;
  readonly hangup: () => void;
  readonly toggleHold: () => void;
  readonly toggleMute: () => void;
  readonly dtmf: (key: string) => void;
  readonly transfer: (target: string) => void;
}

const PhoneContext = createContext<Phone | null>(null);

const OFF: PhoneSnapshot = {
  registered: false,
  number: null,
  statusText: 'Your groups do not include the web phone.',
  error: null,
  call: null,
  incoming: null,
};

export function PhoneProvider(props: { children: ReactNode }) {
  const { can, beforeLogout } = useSession();
  const allowed = can('webphone');
  const audio = useRef<HTMLAudioElement | null>(null);
  const agent = useRef<SoftphoneAgent | null>(null);
  const [snapshot, setSnapshot] = useState<PhoneSnapshot>(OFF);
  const [microphone, setMicrophone] = useState('');
  const [speaker, setSpeakerId] = useState('');
  const [presence, setPresenceState] = useState<Presence>('available');

  useEffect(() => agent.current?.setDoNotDisturb(presence === 'dnd'), [presence, snapshot.number]);

  // The status lives on the server (colleagues see it; do-not-disturb covers every phone of
  // the user): read it once here.
  useEffect(() => {
    let live = true;
    loadMyPresence()
      .then((p) => {
        if (live) setPresenceState(p.status);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  const setPresence = (next: Presence) => {
    const was = presence;
    setPresenceState(next);
    if (next === was) return;
    setMyPresence(next).catch((err: unknown) => {
      setPresenceState(was);
      setSnapshot((s) => ({ ...s, error: describeError(err) }));
    });
  };

  useEffect(() => {
    if (!allowed) {
      setSnapshot(OFF);
      return;
    }
    let live = true;
    let a: SoftphoneAgent | null = null;
    let undoLogoutTask: (() => void) | undefined;
    setSnapshot({ ...OFF, statusText: 'Connecting…' });
    const fail = (err: unknown) =>
      setSnapshot((s) => ({
        ...s,
        statusText: 'Not connected',
        error:
          err instanceof ApiError && err.status === 404
            ? 'The web phone is not available on this server.'
            : describeError(err),
      }));
    // The SIP library is loaded only when the phone is used, as its own chunk.
    import('./softphone-agent.ts')
      .then(({ SoftphoneAgent }) => {
        if (!live) return;
        a = new SoftphoneAgent({
          mint: () => api<WebphoneToken>('POST', '/api/v1/webphone/token', {}),
          audio: () => audio.current,
          onChange: setSnapshot,
        });
        agent.current = a;
        const agentNow = a;
        undoLogoutTask = beforeLogout(() => agentNow.closeGracefully());
        return a.start();
      })
      .catch(fail);
    return () => {
      live = false;
      undoLogoutTask?.();
      a?.close();
      agent.current = null;
    };
  }, [allowed, beforeLogout]);

  const phone: Phone = {
    ...snapshot,
    ready: snapshot.registered,
    presence,
    setPresence,
    microphone,
    speaker,
    setMicrophone,
    setSpeaker: (id) => {
      setSpeakerId(id);
      agent.current
        ?.setSpeaker(id)
        .catch((err: unknown) => setSnapshot((s) => ({ ...s, error: describeError(err) })));
    },
    dial: (target) => agent.current?.dial(target, microphone),
    answer: () => agent.current?.answer(microphone),
    reject: () => agent.current?.reject(),
    hangup: () => agent.current?.hangup(),
    toggleHold: () => agent.current?.toggleHold(),
    toggleMute: () => agent.current?.toggleMute(),
    dtmf: (key) => agent.current?.dtmf(key),
    transfer: (target) => agent.current?.transfer(target),
  };

  return (
    <PhoneContext.Provider value={phone}>
      {/* The remote party's voice; never shown. */}
      <audio ref={audio} autoPlay data-testid="remote-audio" />
      {phone.incoming ? (
        <div className="card incoming" role="alertdialog" aria-labelledby="incoming-title">
          <h2 id="incoming-title">Incoming call from {phone.incoming.from}</h2>
          <div className="row">
            <button type="button" className="primary" onClick={phone.answer}>
              Answer
            </button>
            <button type="button" className="danger" onClick={phone.reject}>
              Reject
            </button>
          </div>
        </div>
      ) : null}
      {props.children}
    </PhoneContext.Provider>
  );
}

export function usePhone(): Phone {
  const p = useContext(PhoneContext);
  if (!p) throw new Error('usePhone outside PhoneProvider');
  return p;
}
