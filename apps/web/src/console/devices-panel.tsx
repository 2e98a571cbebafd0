/** A user's SIP devices: add (credentials shown once), new secret, remove, provisioning text. */
import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import type { Device, DeviceCredentials, User } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { ErrorText, Field, formatTime, Loading, ShownOnce, Submit } from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';
import { formText } from '../components/form-data.ts';

/** What a softphone needs, as text to paste or read out. */
export function provisioningText(c: DeviceCredentials): string {
  return [
    `Account:   ${c.device.label}`,
    `SIP URI:   sip:${c.sipUsername}@${c.domain}`,
    `Domain:    ${c.domain}`,
    `Username:  ${c.sipUsername}`,
    `Password:  ${c.secret}`,
    `Transport: TLS (port 5061), TCP or UDP (port 5060)`,
    `Media:     SRTP preferred`,
  ].join('\n');
}

export function DevicesPanel(props: { user: User }) {
  const { can } = useSession();
  const devices = useLoad(
    () => api<Device[]>('GET', `/api/v1/users/${props.user.id}/devices`),
    [props.user.id],
  );
  const [shown, setShown] = useState<DeviceCredentials | null>(null);
  const act = useAction();
  const mayChange = can('devices:change');

  const add = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const label = formText(new FormData(form), 'label').trim();
    void act.run(async () => {
      setShown(
        await api<DeviceCredentials>('POST', `/api/v1/users/${props.user.id}/devices`, { label }),
      );
      form.reset();
      devices.reload();
    });
  };

  const rotate = (d: Device) => {
    if (!window.confirm(`Give “${d.label}” a new SIP secret? The old one stops working now.`))
      return;
    void act.run(async () => {
      setShown(await api<DeviceCredentials>('POST', `/api/v1/devices/${d.id}/rotate-secret`));
      devices.reload();
    });
  };

  const remove = (d: Device) => {
    if (!window.confirm(`Remove the device “${d.label}”?`)) return;
    void act.run(async () => {
      await api('DELETE', `/api/v1/devices/${d.id}`);
      devices.reload();
    });
  };

  return (
    <section aria-labelledby="devices-title">
      <h3 id="devices-title">Devices</h3>
      {shown ? (
        <ShownOnce
          title={`SIP credentials of “${shown.device.label}”`}
          onDone={() => setShown(null)}
        >
          <pre className="secret" aria-label="Provisioning text">
            {provisioningText(shown)}
          </pre>
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(provisioningText(shown))}
          >
            Copy
          </button>
        </ShownOnce>
      ) : null}
      {devices.loading && !devices.data ? <Loading what="devices" /> : null}
      <ErrorText error={devices.error ?? act.error} />
      {devices.data ? (
        <table className="list">
          <caption className="visually-hidden">Devices of {props.user.username}</caption>
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">SIP username</th>
              <th scope="col">Secret set</th>
              {mayChange ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {devices.data.map((d) => (
              <tr key={d.id}>
                <td>{d.label}</td>
                <td>{d.sipUsername}</td>
                <td>{formatTime(d.secretRotatedAt)}</td>
                {mayChange ? (
                  <td className="actions">
                    <button type="button" onClick={() => rotate(d)} disabled={act.busy}>
                      New secret
                    </button>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => remove(d)}
                      disabled={act.busy}
                    >
                      Remove
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
            {devices.data.length === 0 ? (
              <tr>
                <td colSpan={4}>No device yet.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      ) : null}
      {mayChange ? (
        <form onSubmit={add} aria-label="Add a device" className="row">
          <Field
            label="Device label"
            name="label"
            required
            maxLength={64}
            placeholder="desk phone"
          />
          <Submit busy={act.busy}>Add device</Submit>
        </form>
      ) : null}
    </section>
  );
}
