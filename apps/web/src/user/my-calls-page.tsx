/**
 * My calls: my status (available, away, busy, do not disturb; on a call)
 * and where my calls go when I do not take them. Status, do-not-disturb and
 * forwarding are kept on the server, so they cover every phone of mine, not
 * only this browser, and colleagues see the status.
 */
import { useState, type FormEvent } from 'react';
import type { CallForwarding } from '../api/types.ts';
import { formText } from '../components/form-data.ts';
import { Alert, ErrorText, Field, Loading, Submit } from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';
import { FORWARD_WORDS, loadForwarding, saveForwarding } from './call-forwarding.ts';
import { usePhone, type Presence } from './phone-provider.tsx';
import { STATUS_WORDS } from './presence.ts';

const STATUSES: readonly Presence[] = ['available', 'away', 'busy', 'dnd'];

function Status() {
  const phone = usePhone();
  const dnd = phone.presence === 'dnd';
  const now = dnd ? STATUS_WORDS.dnd : phone.call ? 'On a call' : STATUS_WORDS[phone.presence];
  return (
    <fieldset aria-describedby="status-hint">
      <legend>Status</legend>
      <p role="status" className="row">
        <span
          className={`presence presence-${dnd ? 'dnd' : phone.call || phone.presence !== 'available' ? 'busy' : 'available'}`}
          aria-hidden="true"
        />
        <span data-testid="my-status">Now: {now}</span>
      </p>
      {STATUSES.map((st) => (
        <label className="check" key={st}>
          <input
            type="radio"
            name="status"
            checked={phone.presence === st}
            onChange={() => phone.setPresence(st)}
          />
          {STATUS_WORDS[st]}
        </label>
      ))}
      <p id="status-hint" className="hint">
        Colleagues see your status. With do not disturb on, none of your phones ring: callers hear
        busy, or go to your “when busy” forward.
      </p>
      {phone.error ? <Alert>{phone.error}</Alert> : null}
    </fieldset>
  );
}

function ForwardingForm(props: { current: CallForwarding; doNotDisturb: boolean }) {
  const act = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const target = (name: string) => formText(f, name).trim() || null;
    setSaved(false);
    void act
      .run(async () => {
        await saveForwarding({
          doNotDisturb: props.doNotDisturb,
          unconditional: target('unconditional'),
          busy: target('busy'),
          noAnswer: target('noAnswer'),
        });
      })
      .then(setSaved);
  };
  const field = (name: 'unconditional' | 'busy' | 'noAnswer') => (
    <Field
      label={FORWARD_WORDS[name]}
      name={name}
      inputMode="tel"
      maxLength={33}
      autoComplete="off"
      defaultValue={props.current[name] ?? ''}
    />
  );
  return (
    <form onSubmit={submit} className="card" aria-label="Call forwarding">
      <h2>Call forwarding</h2>
      <p className="hint">An extension or a number; leave a field empty for no forwarding.</p>
      <div className="grid">
        {field('unconditional')}
        {field('busy')}
        {field('noAnswer')}
      </div>
      <ErrorText error={act.error} />
      {saved ? <Alert kind="success">Forwarding saved.</Alert> : null}
      <Submit busy={act.busy}>Save forwarding</Submit>
    </form>
  );
}

export function MyCallsPage() {
  const phone = usePhone();
  const loaded = useLoad(loadForwarding, []);
  return (
    <section>
      <h1>My calls</h1>
      <Status />
      {loaded.loading && !loaded.data ? <Loading what="your forwarding" /> : null}
      <ErrorText error={loaded.error} />
      {loaded.data ? (
        <ForwardingForm current={loaded.data} doNotDisturb={phone.presence === 'dnd'} />
      ) : null}
    </section>
  );
}
