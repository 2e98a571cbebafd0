/**
 * The softphone's state for the page. It asks the server for a short-lived
 * SIP-over-WSS credential bound to this web session (kept in memory only);
 * the SIP user agent that registers with it and places calls comes with the
 * WebRTC media work, so the call controls report "not connected" for now.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, describeError } from '../api/api-client.ts';

export interface CallView {
  readonly peer: string;
  readonly state: 'calling' | 'active';
  readonly held: boolean;
  readonly muted: boolean;
}

/** What `POST /api/v1/webphone/token` answers: SIP credentials valid for minutes, kept in memory only. */
export interface WebphoneToken {
  readonly wsUrl: string;
  readonly sipUri: string;
  readonly authorizationUser: string;
  readonly password: string;
  readonly displayName: string;
  readonly expiresAt: number;
}

export interface Phone {
  readonly ready: boolean;
  /** A SIP-over-WSS token was minted for this session. */
  readonly signedIn: boolean;
  readonly statusText: string;
  readonly error: string | null;
  readonly call: CallView | null;
  readonly incoming: { readonly from: string } | null;
  readonly dial: (target: string, microphoneId: string) => void;
  readonly answer: (microphoneId: string) => void;
  readonly reject: () => void;
  readonly hangup: () => void;
  readonly toggleHold: () => void;
  readonly toggleMute: () => void;
  readonly dtmf: (key: string) => void;
  readonly transfer: (target: string) => void;
}

export function usePhone(allowed: boolean): Phone {
  const [token, setToken] = useState<WebphoneToken | null>(null);
  const [statusText, setStatusText] = useState(
    allowed ? 'Connecting…' : 'Your groups do not include the web phone.',
  );
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!allowed) return;
    let live = true;
    api<WebphoneToken>('POST', '/api/v1/webphone/token', {})
      .then((t) => {
        if (!live) return;
        setToken(t);
        setStatusText(
          `Your number: ${t.sipUri.replace(/^sip:/, '')}. Calls from the browser arrive with the WebRTC media work.`,
        );
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.status === 404)
          setStatusText('The web phone is not available on this server yet.');
        else setError(describeError(err));
      });
    return () => {
      live = false;
    };
  }, [allowed]);

  const unavailable = useCallback(() => setError('The phone is not connected.'), []);
  return {
    ready: false,
    signedIn: token !== null,
    statusText,
    error,
    call: null,
    incoming: null,
    dial: unavailable,
    answer: unavailable,
    reject: unavailable,
    hangup: unavailable,
    toggleHold: unavailable,
    toggleMute: unavailable,
    dtmf: unavailable,
    transfer: unavailable,
  };
}
