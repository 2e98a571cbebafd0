/**
 * The softphone: my status, dial pad, call controls and audio devices. The
 * user agent itself lives in PhoneProvider (it stays registered while the
 * user moves between the app's pages); this page drives it.
 */
import { useState, type FormEvent } from 'react';
import { Alert } from '../components/ui.tsx';
import { useAudioDevices } from './audio-devices.ts';
import { usePhone, type Presence } from './phone-provider.tsx';
import { STATUS_WORDS } from './presence.ts';

const STATUSES: readonly Presence[] = ['available', 'away', 'busy', 'dnd'];

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
const clean = (v: string) => v.replace(/[^0-9*#+a-zA-Z@._-]/g, '').slice(0, 64);

export function PhonePage() {
  const phone = usePhone();
  const devices = useAudioDevices();
  const [number, setNumber] = useState('');
  const [transferTo, setTransferTo] = useState('');
  const [sent, setSent] = useState('');
  const call = phone.call;

  const press = (k: string) => {
    if (call?.state === 'active') {
      phone.dtmf(k);
      setSent((s) => (s + k).slice(-32));
    } else setNumber((n) => (n + k).slice(0, 64));
  };

  const dial = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (number.trim() !== '') {
      setSent('');
      phone.dial(number.trim());
    }
  };

  const transfer = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (transferTo.trim() !== '') phone.transfer(transferTo.trim());
  };

  return (
    <section className="phone">
      <h1>Phone</h1>
      <div className="row">
        <label className="inline">
          <span>Status</span>
          <select
            value={phone.presence}
            onChange={(e) => phone.setPresence(e.target.value as Presence)}
          >
            {STATUSES.map((st) => (
              <option key={st} value={st}>
                {STATUS_WORDS[st]}
              </option>
            ))}
          </select>
        </label>
        <span
          className={`presence presence-${phone.presence === 'away' ? 'busy' : phone.presence}`}
          aria-hidden="true"
        />
        <span role="status" className="hint" data-testid="phone-status">
          {phone.statusText}
        </span>
      </div>
      {phone.error ? <Alert>{phone.error}</Alert> : null}
      <form onSubmit={dial} className="dialer" aria-label="Dial">
        <label htmlFor="dial-number">Number</label>
        <input
          id="dial-number"
          value={number}
          onChange={(e) => setNumber(clean(e.target.value))}
          inputMode="tel"
          autoComplete="off"
        />
        <div className="keypad" role="group" aria-label="Dial pad">
          {KEYS.map((k) => (
            <button
              key={k}
              type="button"
              onClick={() => press(k)}
              aria-label={k === '*' ? 'star' : k === '#' ? 'hash' : k}
            >
              {k}
            </button>
          ))}
        </div>
        <div className="row">
          {/* Keys keep React from reusing one <button> for both: a click on "Hang up" would
              otherwise turn it into the submit button before the click's default action runs,
              and dial again. */}
          {!call ? (
            <button
              key="call"
              type="submit"
              className="primary call"
              disabled={!phone.ready || number.trim() === ''}
            >
              Call
            </button>
          ) : (
            <button key="hangup" type="button" className="danger" onClick={phone.hangup}>
              Hang up
            </button>
          )}
          <button
            type="button"
            onClick={() => setNumber((n) => n.slice(0, -1))}
            aria-label="Delete last digit"
          >
            ⌫
          </button>
        </div>
      </form>
      {call ? (
        <div className="card" role="region" aria-label="Current call">
          <p data-testid="call-state">
            {call.state === 'active' ? 'In call with' : 'Calling'} {call.peer}
            {call.held ? ' (on hold)' : ''}
            {call.heldByPeer ? ' (held by the other side)' : ''}
            {call.muted ? ' (muted)' : ''}
          </p>
          {sent ? <p className="hint">Tones sent: {sent}</p> : null}
          <div className="row">
            <button
              type="button"
              onClick={phone.toggleHold}
              aria-pressed={call.held}
              disabled={call.state !== 'active'}
            >
              {call.held ? 'Resume' : 'Hold'}
            </button>
            <button type="button" onClick={phone.toggleMute} aria-pressed={call.muted}>
              {call.muted ? 'Unmute' : 'Mute'}
            </button>
          </div>
          <form onSubmit={transfer} className="row" aria-label="Transfer">
            <label className="inline">
              <span>Transfer to</span>
              <input
                value={transferTo}
                onChange={(e) => setTransferTo(clean(e.target.value))}
                inputMode="tel"
                autoComplete="off"
              />
            </label>
            <button type="submit" disabled={call.state !== 'active' || transferTo.trim() === ''}>
              Transfer
            </button>
          </form>
        </div>
      ) : null}
      <fieldset>
        <legend>Audio devices</legend>
        <label className="inline">
          <span>Microphone</span>
          <select value={phone.microphone} onChange={(e) => phone.setMicrophone(e.target.value)}>
            <option value="">Default</option>
            {devices.inputs.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {d.label || `Microphone ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>Speaker</span>
          <select value={phone.speaker} onChange={(e) => phone.setSpeaker(e.target.value)}>
            <option value="">Default</option>
            {devices.outputs.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {d.label || `Speaker ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
    </section>
  );
}
