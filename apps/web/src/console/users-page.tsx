/** Users: list, search, create; the selected user's details and devices below. */
import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import type { User } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { ErrorText, Field, Loading, Submit } from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';
import { UserDetail } from './user-detail.tsx';
import { formText } from '../components/form-data.ts';

export function UsersPage() {
  const { can } = useSession();
  const users = useLoad(() => api<User[]>('GET', '/api/v1/users?limit=1000'), []);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const create = useAction();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const text = (k: string) => formText(f, k).trim();
    void create.run(async () => {
      const user = await api<User>('POST', '/api/v1/users', {
        username: text('username'),
        extension: text('extension'),
        displayName: text('displayName'),
        ...(text('email') ? { email: text('email') } : {}),
        ...(text('mobile') ? { mobile: text('mobile') } : {}),
      });
      form.reset();
      setCreating(false);
      setSelected(user.id);
      users.reload();
    });
  };

  const needle = filter.trim().toLowerCase();
  const shown = (users.data ?? []).filter(
    (u) =>
      needle === '' ||
      u.username.toLowerCase().includes(needle) ||
      u.displayName.toLowerCase().includes(needle) ||
      u.extension.includes(needle),
  );
  const current = users.data?.find((u) => u.id === selected) ?? null;

  return (
    <section>
      <h1>Users and devices</h1>
      <div className="row">
        <label className="inline">
          <span>Search</span>
          <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
        {can('users:change') ? (
          <button
            type="button"
            className="primary"
            onClick={() => setCreating(!creating)}
            aria-expanded={creating}
          >
            New user
          </button>
        ) : null}
      </div>
      {creating ? (
        <form onSubmit={submit} aria-label="New user" className="card">
          <h2>New user</h2>
          <div className="grid">
            <Field label="Login name" name="username" required maxLength={64} />
            <Field label="Display name" name="displayName" required maxLength={128} />
            <Field label="Extension" name="extension" required maxLength={15} inputMode="numeric" />
            <Field label="E-mail" name="email" type="email" maxLength={254} />
            <Field label="Mobile" name="mobile" type="tel" maxLength={21} />
          </div>
          <ErrorText error={create.error} />
          <Submit busy={create.busy}>Create user</Submit>
        </form>
      ) : null}
      {users.loading && !users.data ? <Loading what="users" /> : null}
      <ErrorText error={users.error} />
      {users.data ? (
        <table className="list">
          <caption className="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">Login</th>
              <th scope="col">Name</th>
              <th scope="col">Extension</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((u) => (
              <tr key={u.id} className={u.id === selected ? 'selected' : undefined}>
                <td>
                  <button type="button" className="link" onClick={() => setSelected(u.id)}>
                    {u.username}
                  </button>
                  {u.isSuperAdmin ? <span className="badge">super-admin</span> : null}
                </td>
                <td>{u.displayName}</td>
                <td>{u.extension}</td>
                <td>{u.state}</td>
              </tr>
            ))}
            {shown.length === 0 ? (
              <tr>
                <td colSpan={4}>No user matches.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      ) : null}
      {current ? (
        <UserDetail
          key={current.id}
          user={current}
          onChanged={users.reload}
          onClose={() => setSelected(null)}
        />
      ) : null}
    </section>
  );
}
