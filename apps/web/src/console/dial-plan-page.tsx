/**
 * The dial plan (PRODUCT §A6): emergency numbers, national and international
 * prefixes (which permission a call needs; the groups' ACL grants them), the
 * no-answer timeout, SRTP towards SIP phones, and ring groups. Every change
 * replaces the whole settings on the server, which checks them and names a
 * refused field; this page says which entry on the form that is.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import { inPlainWords } from '../api/field-errors.ts';
import type { CallSettings, RingGroup, User } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { SelectField, wordList } from '../components/fields.tsx';
import { formText } from '../components/form-data.ts';
import { Alert, ErrorText, Field, Loading, Submit } from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';

const FIELD_WORDS: Record<string, string> = {
  emergencyNumbers: 'Emergency numbers',
  nationalPrefixes: 'National prefixes',
  internationalPrefixes: 'International prefixes',
  noAnswerSeconds: 'No-answer timeout',
  phoneSrtp: 'SRTP towards phones',
  ringGroups: 'Ring groups',
  extension: 'extension',
  name: 'name',
  strategy: 'how it rings',
  members: 'members',
  ringSeconds: 'seconds each member rings',
};

const STRATEGY_WORDS: Record<RingGroup['strategy'], string> = {
  simultaneous: 'All at once',
  sequential: 'One after another',
};

/** `ringGroups[1].members[0]` → "Ring group 601, members" (for the settings that were sent). */
function fieldWords(sent: CallSettings, path: string): string | undefined {
  const [head, ...rest] = path.split('.');
  const m = /^([A-Za-z]+)(?:\[(\d+)\])?$/.exec(head ?? '');
  if (!m) return undefined;
  const [, name = '', index] = m;
  if (name === 'ringGroups' && index !== undefined) {
    const group = sent.ringGroups[Number(index)];
    const inner = rest.map((r) => FIELD_WORDS[r.replace(/\[\d+\]$/, '')] ?? r);
    return [`Ring group ${group?.extension ?? Number(index) + 1}`, ...inner].join(', ');
  }
  const words = FIELD_WORDS[name];
  if (words === undefined) return undefined;
  return index === undefined ? words : `${words}, entry ${Number(index) + 1}`;
}

/** Sends the whole settings; on refusal, the error in the form's words. */
async function saveSettings(next: CallSettings): Promise<CallSettings> {
  try {
    return await api<CallSettings>('PUT', '/api/v1/call-settings', next);
  } catch (err) {
    throw inPlainWords(err, (path) => fieldWords(next, path));
  }
}

function DialPlanForm(props: {
  settings: CallSettings;
  readOnly: boolean;
  onSaved: (s: CallSettings) => void;
}) {
  const s = props.settings;
  const act = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setSaved(false);
    void act.run(async () => {
      props.onSaved(
        await saveSettings({
          ...s,
          emergencyNumbers: wordList(formText(f, 'emergencyNumbers')),
          nationalPrefixes: wordList(formText(f, 'nationalPrefixes')),
          internationalPrefixes: wordList(formText(f, 'internationalPrefixes')),
          noAnswerSeconds: Number(formText(f, 'noAnswerSeconds')),
          phoneSrtp: formText(f, 'phoneSrtp') === 'always' ? 'always' : 'as-caller',
        }),
      );
      setSaved(true);
    });
  };
  return (
    <form onSubmit={submit} className="card" aria-label="Dial plan">
      <fieldset disabled={props.readOnly}>
        <legend>Number classes</legend>
        <p className="hint">
          Which permission a dialled number needs (Groups and ACL grant them): an emergency number
          needs call:emergency, a number starting with a national prefix call:national, with an
          international prefix call:international, anything else is an internal extension. Separate
          entries with spaces or commas.
        </p>
        <div className="grid">
          <Field
            label="Emergency numbers"
            name="emergencyNumbers"
            defaultValue={s.emergencyNumbers.join(' ')}
            hint="Matched exactly, before any prefix."
          />
          <Field
            label="National prefixes"
            name="nationalPrefixes"
            defaultValue={s.nationalPrefixes.join(' ')}
          />
          <Field
            label="International prefixes"
            name="internationalPrefixes"
            defaultValue={s.internationalPrefixes.join(' ')}
            hint="The longest matching prefix wins."
          />
        </div>
      </fieldset>
      <fieldset disabled={props.readOnly}>
        <legend>Ringing and media</legend>
        <div className="grid">
          <Field
            label="No-answer timeout (seconds)"
            name="noAnswerSeconds"
            type="number"
            min={5}
            max={600}
            required
            defaultValue={s.noAnswerSeconds}
            hint="Then the call goes to the callee's no-answer forwarding, or ends."
          />
          <SelectField label="SRTP towards SIP phones" name="phoneSrtp" defaultValue={s.phoneSrtp}>
            <option value="as-caller">When the caller uses SRTP</option>
            <option value="always">Always (every phone must support SDES-SRTP)</option>
          </SelectField>
        </div>
      </fieldset>
      <ErrorText error={act.error} />
      {saved ? <Alert kind="success">Dial plan saved.</Alert> : null}
      {!props.readOnly ? <Submit busy={act.busy}>Save dial plan</Submit> : null}
    </form>
  );
}

function RingGroupForm(props: {
  group: RingGroup | null;
  busy: boolean;
  error: string | null;
  onSubmit: (g: RingGroup) => void;
  onCancel: () => void;
}) {
  const g = props.group;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    props.onSubmit({
      extension: formText(f, 'extension').trim(),
      name: formText(f, 'name').trim() || formText(f, 'extension').trim(),
      strategy: formText(f, 'strategy') === 'sequential' ? 'sequential' : 'simultaneous',
      members: wordList(formText(f, 'members')),
      ringSeconds: Number(formText(f, 'ringSeconds')),
    });
  };
  const title = g ? `Edit ring group ${g.extension}` : 'New ring group';
  return (
    <form onSubmit={submit} className="card" aria-label={title}>
      <h3>{title}</h3>
      <div className="grid">
        <Field
          label="Extension"
          name="extension"
          required
          inputMode="numeric"
          maxLength={32}
          defaultValue={g?.extension ?? ''}
          hint="Digits, not a user's extension."
        />
        <Field label="Name" name="name" maxLength={100} defaultValue={g?.name ?? ''} />
        <SelectField
          label="How it rings"
          name="strategy"
          defaultValue={g?.strategy ?? 'simultaneous'}
        >
          <option value="simultaneous">{STRATEGY_WORDS.simultaneous}</option>
          <option value="sequential">{STRATEGY_WORDS.sequential}</option>
        </SelectField>
        <Field
          label="Members"
          name="members"
          required
          defaultValue={g?.members.join(' ') ?? ''}
          hint="Users' extensions, in ringing order, separated by spaces or commas."
        />
        <Field
          label="Seconds each member rings"
          name="ringSeconds"
          type="number"
          min={5}
          max={600}
          required
          defaultValue={g?.ringSeconds ?? 20}
          hint="One after another only."
        />
      </div>
      <ErrorText error={props.error} />
      <div className="row">
        <Submit busy={props.busy}>{g ? 'Save ring group' : 'Add ring group'}</Submit>
        {g ? (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

function RingGroups(props: {
  settings: CallSettings;
  users: readonly User[];
  readOnly: boolean;
  onSaved: (s: CallSettings) => void;
}) {
  const groups = props.settings.ringGroups;
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // a new, empty form after each save
  const [round, setRound] = useState(0);
  const act = useAction();
  const nameOf = new Map(props.users.map((u) => [u.extension, u.displayName]));
  const save = (next: readonly RingGroup[], message: string) =>
    void act
      .run(async () => {
        props.onSaved(await saveSettings({ ...props.settings, ringGroups: next }));
        setDone(message);
      })
      .then((ok) => {
        if (ok) {
          setEditing(null);
          setRemoving(null);
          setRound((r) => r + 1);
        }
      });
  const submit = (g: RingGroup) => {
    setDone(null);
    if (editing === null) save([...groups, g], `Ring group ${g.extension} added.`);
    else
      save(
        groups.map((x) => (x.extension === editing ? g : x)),
        `Ring group ${g.extension} saved.`,
      );
  };
  const current = groups.find((g) => g.extension === editing) ?? null;
  return (
    <section aria-labelledby="ring-groups-title">
      <h2 id="ring-groups-title">Ring groups</h2>
      <p className="hint">
        Calling a ring group's extension rings its members: all at once, or one after another.
        Members on do-not-disturb are skipped.
      </p>
      {groups.length === 0 ? (
        <p>No ring groups yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Extension</th>
                <th scope="col">Name</th>
                <th scope="col">Rings</th>
                <th scope="col">Members</th>
                {!props.readOnly ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.extension} className={g.extension === editing ? 'selected' : undefined}>
                  <td>{g.extension}</td>
                  <td>{g.name}</td>
                  <td>
                    {STRATEGY_WORDS[g.strategy]}
                    {g.strategy === 'sequential' ? `, ${g.ringSeconds} s each` : ''}
                  </td>
                  <td>
                    {g.members
                      .map((m) => (nameOf.has(m) ? `${m} (${nameOf.get(m)})` : m))
                      .join(', ')}
                  </td>
                  {!props.readOnly ? (
                    <td className="actions">
                      {removing === g.extension ? (
                        <>
                          <button
                            type="button"
                            className="danger"
                            disabled={act.busy}
                            onClick={() =>
                              save(
                                groups.filter((x) => x.extension !== g.extension),
                                `Ring group ${g.extension} removed.`,
                              )
                            }
                          >
                            Yes, remove {g.extension}
                          </button>
                          <button type="button" onClick={() => setRemoving(null)}>
                            Keep
                          </button>
                        </>
                      ) : (
                        <>
                          <button
                            type="button"
                            aria-label={`Edit ring group ${g.extension}`}
                            onClick={() => {
                              act.clear();
                              setDone(null);
                              setEditing(g.extension);
                            }}
                          >
                            Edit
                          </button>
                          <button
                            type="button"
                            aria-label={`Remove ring group ${g.extension}`}
                            onClick={() => setRemoving(g.extension)}
                          >
                            Remove
                          </button>
                        </>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {done ? <Alert kind="success">{done}</Alert> : null}
      {!props.readOnly ? (
        <RingGroupForm
          key={`${editing ?? 'new'}-${round}`}
          group={current}
          busy={act.busy}
          error={act.error}
          onSubmit={submit}
          onCancel={() => {
            act.clear();
            setEditing(null);
          }}
        />
      ) : null}
    </section>
  );
}

export function DialPlanPage() {
  const { can } = useSession();
  const loaded = useLoad(() => api<CallSettings>('GET', '/api/v1/call-settings'), []);
  const users = useLoad(
    () =>
      can('users:view')
        ? api<User[]>('GET', '/api/v1/users?limit=1000').catch(() => [] as User[])
        : Promise.resolve([] as User[]),
    [],
  );
  const [settings, setSettings] = useState<CallSettings | null>(null);
  const current = settings ?? loaded.data;
  const readOnly = !can('dialplan:change');
  return (
    <section>
      <h1>Dial plan</h1>
      {loaded.loading && !current ? <Loading what="the dial plan" /> : null}
      <ErrorText error={loaded.error} />
      {current ? (
        <>
          <DialPlanForm settings={current} readOnly={readOnly} onSaved={setSettings} />
          <RingGroups
            settings={current}
            users={users.data ?? []}
            readOnly={readOnly}
            onSaved={setSettings}
          />
        </>
      ) : null}
    </section>
  );
}
