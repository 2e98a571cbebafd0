/**
 * A user's "SSO only" switch (PRODUCT §C6): the local password is refused
 * and the person signs in through an identity provider or directory. Whether
 * an SSO-only administrator keeps a break-glass password is the tenant's
 * sign-in policy (Single sign-on page).
 */
import { useEffect, useState } from 'react';
import { api } from '../api/api-client.ts';
import { CheckField } from '../components/fields.tsx';
import { ErrorText } from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';

interface SsoOnly {
  readonly ssoOnly: boolean;
}

export function UserSsoOnly(props: { userId: string; mayChange: boolean }) {
  const loaded = useLoad(
    () => api<SsoOnly>('GET', `/api/v1/users/${props.userId}/sso-only`),
    [props.userId],
  );
  const [ssoOnly, setSsoOnly] = useState<boolean | null>(null);
  useEffect(() => setSsoOnly(loaded.data?.ssoOnly ?? null), [loaded.data]);
  const act = useAction();
  const set = (value: boolean) => {
    setSsoOnly(value);
    void act
      .run(async () => {
        await api<SsoOnly>('PUT', `/api/v1/users/${props.userId}/sso-only`, { ssoOnly: value });
      })
      .then((ok) => {
        if (!ok) setSsoOnly(!value);
      });
  };
  return (
    <div>
      <h3>Sign-in</h3>
      <ErrorText error={loaded.error} />
      {ssoOnly !== null ? (
        <CheckField
          name="ssoOnly"
          checked={ssoOnly}
          onChange={set}
          disabled={!props.mayChange || act.busy}
          label="SSO only: sign in through an identity provider or directory; the local password is refused"
        />
      ) : null}
      <ErrorText error={act.error} />
    </div>
  );
}
