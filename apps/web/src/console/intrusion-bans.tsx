/** The live bans with Unban (asks first), and the manual ban form. */
import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import { SelectField } from '../components/fields.tsx';
import { formText } from '../components/form-data.ts';
import { Alert, ErrorText, Field, formatTime, Submit } from '../components/ui.tsx';
import { useAction } from '../components/use-load.ts';
import { DURATION_UNITS, readBanForm } from './ban-form-input.ts';
import type { Ban } from './intrusion-report.ts';

export function LiveBans(props: {
  bans: readonly Ban[];
  canChange: boolean;
  onChanged: () => void;
}) {
  const [asking, setAsking] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const act = useAction();
  const unban = (address: string) =>
    void act
      .run(async () => {
        await api('DELETE', `/api/v1/intrusion/bans/${encodeURIComponent(address)}`);
        setDone(`The ban on ${address} is lifted.`);
        props.onChanged();
      })
      .finally(() => setAsking(null));
  return (
    <section aria-labelledby="live-bans">
      <h2 id="live-bans">Live bans</h2>
      <ErrorText error={act.error} />
      {done ? <Alert kind="success">{done}</Alert> : null}
      <table className="list">
        <caption className="visually-hidden">Addresses banned now</caption>
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Rule</th>
            <th scope="col">Offence</th>
            <th scope="col">Reason</th>
            <th scope="col">Since</th>
            <th scope="col">Expires</th>
            {props.canChange ? <th scope="col">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.bans.map((b) => (
            <tr key={b.address}>
              <th scope="row">{b.address}</th>
              <td>{b.rule}</td>
              <td>{b.offence}</td>
              <td>{b.reason || '—'}</td>
              <td>{formatTime(b.createdAt)}</td>
              <td>{b.expiresAt === null ? 'until lifted' : formatTime(b.expiresAt)}</td>
              {props.canChange ? (
                <td className="actions">
                  {asking === b.address ? (
                    <span
                      className="confirm"
                      role="group"
                      aria-label={`Lift the ban on ${b.address}?`}
                    >
                      <span className="hint">Lift the ban?</span>
                      <button
                        type="button"
                        className="danger"
                        disabled={act.busy}
                        onClick={() => unban(b.address)}
                      >
                        Yes, unban {b.address}
                      </button>
                      <button type="button" autoFocus onClick={() => setAsking(null)}>
                        Keep the ban
                      </button>
                    </span>
                  ) : (
                    <button
                      type="button"
                      aria-label={`Unban ${b.address}`}
                      onClick={() => {
                        setDone(null);
                        setAsking(b.address);
                      }}
                    >
                      Unban
                    </button>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
          {props.bans.length === 0 ? (
            <tr>
              <td colSpan={props.canChange ? 7 : 6}>No address is banned.</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}

export function ManualBanForm(props: { ownAddress?: string; onBanned: () => void }) {
  const act = useAction();
  const [invalid, setInvalid] = useState<{ field: string; message: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    setDone(null);
    const read = readBanForm({
      address: formText(f, 'address'),
      duration: formText(f, 'duration'),
      unit: formText(f, 'unit'),
      reason: formText(f, 'reason'),
      ...(props.ownAddress ? { ownAddress: props.ownAddress } : {}),
    });
    if (!read.ok) {
      setInvalid({ field: read.field, message: read.message });
      const el = form.elements.namedItem(read.field);
      if (el instanceof HTMLElement) el.focus();
      return;
    }
    setInvalid(null);
    void act.run(async () => {
      const ban = await api<Ban>('POST', '/api/v1/intrusion/bans', read.request);
      form.reset();
      setDone(
        `${ban.address} is banned on every service ${ban.expiresAt === null ? 'until lifted' : `until ${formatTime(ban.expiresAt)}`}.`,
      );
      props.onBanned();
    });
  };
  const bad = (field: string) => (invalid?.field === field ? true : undefined);
  return (
    <form onSubmit={submit} className="card" aria-labelledby="manual-ban" noValidate>
      <h2 id="manual-ban">Ban an address</h2>
      <div className="grid">
        <Field
          label="IP address"
          name="address"
          required
          maxLength={45}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={bad('address')}
          hint="One IPv4 or IPv6 address; it is refused on every service (SIP, media, web)."
        />
        <Field
          label="Duration"
          name="duration"
          inputMode="numeric"
          maxLength={6}
          aria-invalid={bad('duration')}
          hint="Empty: until lifted."
        />
        <SelectField label="Unit" name="unit" defaultValue="hours">
          {Object.keys(DURATION_UNITS).map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </SelectField>
        <Field
          label="Reason"
          name="reason"
          maxLength={200}
          aria-invalid={bad('reason')}
          hint="Shown in the list and the audit log."
        />
      </div>
      {invalid ? <Alert>{invalid.message}</Alert> : null}
      <ErrorText error={act.error} />
      {done ? <Alert kind="success">{done}</Alert> : null}
      <Submit busy={act.busy}>Ban address</Submit>
    </form>
  );
}
