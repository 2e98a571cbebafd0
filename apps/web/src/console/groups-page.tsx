/** ACL groups: create, edit the permission set (the ACL), members. */
import { useState, type FormEvent } from 'react';
import { CONSOLE_AREAS, USER_PERMISSIONS } from '@palisade/catalogue';
import { api } from '../api/api-client.ts';
import type { Group, User } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { Alert, ErrorText, Field, Loading, Submit } from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';
import { formText } from '../components/form-data.ts';

function AclEditor(props: { group: Group; onSaved: () => void; readOnly: boolean }) {
  const [perms, setPerms] = useState(() => new Set(props.group.permissions));
  const [saved, setSaved] = useState(false);
  const act = useAction();
  const toggle = (p: string) => {
    const next = new Set(perms);
    if (next.has(p)) next.delete(p);
    else next.add(p);
    setPerms(next);
    setSaved(false);
  };
  const box = (p: string, label: string) => (
    <label key={p} className="check">
      <input
        type="checkbox"
        checked={perms.has(p)}
        onChange={() => toggle(p)}
        disabled={props.readOnly}
      />
      {label}
    </label>
  );
  const save = () =>
    void act
      .run(async () => {
        await api('PATCH', `/api/v1/groups/${props.group.id}`, { permissions: [...perms].sort() });
        props.onSaved();
      })
      .then((ok) => setSaved(ok));
  return (
    <div>
      {props.group.isAdmin ? (
        <table className="list acl">
          <caption>Console areas</caption>
          <thead>
            <tr>
              <th scope="col">Area</th>
              <th scope="col">View</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {CONSOLE_AREAS.map((a) => (
              <tr key={a}>
                <th scope="row">{a}</th>
                <td>{box(`${a}:view`, `view ${a}`)}</td>
                <td>{box(`${a}:change`, `change ${a}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="hint">Console areas can be granted to admin groups only.</p>
      )}
      <fieldset>
        <legend>What members may use</legend>
        <div className="checks">{USER_PERMISSIONS.map((p) => box(p, p))}</div>
      </fieldset>
      <ErrorText error={act.error} />
      {saved ? <Alert kind="success">Saved.</Alert> : null}
      {!props.readOnly ? (
        <button type="button" className="primary" onClick={save} disabled={act.busy}>
          Save permissions
        </button>
      ) : null}
    </div>
  );
}

function Members(props: { group: Group; readOnly: boolean }) {
  const members = useLoad(
    () => api<string[]>('GET', `/api/v1/groups/${props.group.id}/members`),
    [props.group.id],
  );
  const users = useLoad(
    () => api<User[]>('GET', '/api/v1/users?limit=1000').catch(() => [] as User[]),
    [],
  );
  const act = useAction();
  const byId = new Map((users.data ?? []).map((u) => [u.id, u]));
  const change = (userId: string, add: boolean) =>
    void act.run(async () => {
      await api(add ? 'PUT' : 'DELETE', `/api/v1/groups/${props.group.id}/members/${userId}`);
      members.reload();
    });
  const candidates = (users.data ?? []).filter((u) => !(members.data ?? []).includes(u.id));
  const add = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const userId = formText(new FormData(e.currentTarget), 'user');
    if (userId) change(userId, true);
  };
  return (
    <section aria-labelledby="members-title">
      <h3 id="members-title">Members</h3>
      {members.loading && !members.data ? <Loading what="members" /> : null}
      <ErrorText error={members.error ?? act.error} />
      <ul className="plain">
        {(members.data ?? []).map((id) => (
          <li key={id}>
            {byId.get(id)?.displayName ?? id}
            {!props.readOnly ? (
              <button type="button" className="link" onClick={() => change(id, false)}>
                remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {!props.readOnly && candidates.length > 0 ? (
        <form onSubmit={add} className="row" aria-label="Add a member">
          <label className="inline">
            <span>User</span>
            <select name="user">
              {candidates.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName} ({u.username})
                </option>
              ))}
            </select>
          </label>
          <Submit busy={act.busy}>Add member</Submit>
        </form>
      ) : null}
    </section>
  );
}

export function GroupsPage() {
  const { can } = useSession();
  const groups = useLoad(() => api<Group[]>('GET', '/api/v1/groups'), []);
  const [selected, setSelected] = useState<string | null>(null);
  const create = useAction();
  const readOnly = !can('groups:change');

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    void create.run(async () => {
      const g = await api<Group>('POST', '/api/v1/groups', {
        name: formText(f, 'name').trim(),
        description: formText(f, 'description').trim(),
        isAdmin: f.get('isAdmin') === 'on',
        permissions: [],
      });
      form.reset();
      setSelected(g.id);
      groups.reload();
    });
  };
  const current = groups.data?.find((g) => g.id === selected);

  return (
    <section>
      <h1>Groups and ACL</h1>
      {groups.loading && !groups.data ? <Loading what="groups" /> : null}
      <ErrorText error={groups.error} />
      <ul className="plain">
        {(groups.data ?? []).map((g) => (
          <li key={g.id}>
            <button
              type="button"
              className="link"
              aria-pressed={g.id === selected}
              onClick={() => setSelected(g.id)}
            >
              {g.name}
            </button>
            {g.isAdmin ? <span className="badge">admin</span> : null}{' '}
            <span className="hint">{g.description}</span>
          </li>
        ))}
      </ul>
      {!readOnly ? (
        <form onSubmit={submit} className="card" aria-label="New group">
          <h2>New group</h2>
          <div className="grid">
            <Field label="Name" name="name" required maxLength={64} />
            <Field label="Description" name="description" maxLength={256} />
          </div>
          <label className="check">
            <input type="checkbox" name="isAdmin" /> Admin group (its members may open the console)
          </label>
          <ErrorText error={create.error} />
          <Submit busy={create.busy}>Create group</Submit>
        </form>
      ) : null}
      {current ? (
        <section className="card" aria-labelledby="group-title">
          <h2 id="group-title">{current.name}</h2>
          <AclEditor key={current.id} group={current} onSaved={groups.reload} readOnly={readOnly} />
          <Members key={`m-${current.id}`} group={current} readOnly={readOnly} />
        </section>
      ) : null}
    </section>
  );
}
