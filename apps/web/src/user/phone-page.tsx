/**
 * The softphone: presence, dial pad, call controls and audio devices. The
 * SIP-over-WSS leg authenticates with a short-lived token minted from the web
 * session (`POST /api/v1/webphone/token`); no password is kept in the browser.
 */
import { useState, type FormEvent } from 'react';
import { useSession } from '../app/session.tsx';
import { Alert } from '../components/ui.tsx';
import { useAudioDevices } from './audio-devices.ts';
import { usePhone } from './use-phone.ts';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
type Presence = 'available' | 'busy' | 'dnd';

export function PhonePage() {
  const { can } = useSession();
  const phone = usePhone(can('webphone'));
  const devices = useAudioDevices();
  const [number, setNumber] = useState('');
  const [presence, setPresence] = useState<Presence>('available');
  const [input, setInput] = useState('');
  const [output, setOutput] = useState('');
  const inCall = phone.call !== null;

  const press = (k: string) => {
    if (phone.call?.state === 'active') phone.dtmf(k);
    else setNumber((n) => (n + k).slice(0, 64));
  };

  const dial = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (number.trim() !== '') phone.dial(number.trim(), input);
  };

  return (
    <section className="phone">
      <h1>Phone</h1>
      <div className="row">
        <label className="inline">
          <span>Status</span>
          <select value={presence} onChange={(e) => setPresence(e.target.value as Presence)}>
            <option value="available">Available</option>
            <option value="busy">Busy</option>
            <option value="dnd">Do not disturb</option>
          </select>
        </label>
        <span className={`presence presence-${presence}`} aria-hidden="true" />
        <span role="status" className="hint">
          {phone.statusText}
        </span>
      </div>
      {phone.error ? <Alert>{phone.error}</Alert> : null}
      {phone.incoming && presence !== 'dnd' ? (
        <div className="card incoming" role="alertdialog" aria-labelledby="incoming-title">
          <h2 id="incoming-title">Incoming call from {phone.incoming.from}</h2>
          <div className="row">
            <button type="button" className="primary" onClick={() => phone.answer(input)}>
              Answer
            </button>
            <button type="button" className="danger" onClick={phone.reject}>
              Reject
            </button>
          </div>
        </div>
      ) : null}
      <form onSubmit={dial} className="dialer" aria-label="Dial">
        <label htmlFor="dial-number">Number</label>
        <input
          id="dial-number"
          value={number}
          onChange={(e) =>
            setNumber(e.target.value.replace(/[^0-9*#+a-zA-Z@._-]/g, '').slice(0, 64))
          }
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
          {!inCall ? (
            <button
              type="submit"
              className="primary call"
              disabled={!phone.ready || number.trim() === ''}
            >
              Call
            </button>
          ) : (
            <button type="button" className="danger" onClick={phone.hangup}>
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
      {phone.call ? (
        <div className="card" aria-label="Current call">
          <p>
            {phone.call.state === 'active' ? 'In call with' : 'Calling'} {phone.call.peer}
            {phone.call.held ? ' (on hold)' : ''}
          </p>
          <div className="row">
            <button type="button" onClick={phone.toggleHold} aria-pressed={phone.call.held}>
              {phone.call.held ? 'Resume' : 'Hold'}
            </button>
            <button type="button" onClick={phone.toggleMute} aria-pressed={phone.call.muted}>
              {phone.call.muted ? 'Unmute' : 'Mute'}
            </button>
            <button
              type="button"
              onClick={() => {
                const target = window.prompt('Transfer to which number?');
                if (target) phone.transfer(target);
              }}
            >
              Transfer
            </button>
          </div>
        </div>
      ) : null}
      <fieldset>
        <legend>Audio devices</legend>
        <label className="inline">
          <span>Microphone</span>
          <select value={input} onChange={(e) => setInput(e.target.value)}>
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
          <select value={output} onChange={(e) => setOutput(e.target.value)}>
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
