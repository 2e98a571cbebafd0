/**
 * Shown instead of every page while the server says the password is past
 * the policy's maximum age: the server refuses everything but the change
 * (and signing out), so this is the only way on.
 */
import { useState } from 'react';
import { useSession } from '../app/session.tsx';
import { Alert } from '../components/ui.tsx';
import { ChangePassword } from '../user/password-forms.tsx';
import { Reauth, useReauthMethods } from '../user/reauth-form.tsx';

export function PasswordExpiredPage() {
  const { refresh, logout } = useSession();
  const [confirming, setConfirming] = useState(false);
  const methods = useReauthMethods();
  return (
    <main className="narrow">
      <h1>Your password has expired</h1>
      <Alert kind="info">
        Your organisation asks for a new password after a set time. Choose a new one (not the same
        as before) to go on; your other sessions will end.
      </Alert>
      {confirming ? (
        <Reauth methods={methods} onDone={() => setConfirming(false)} />
      ) : (
        <ChangePassword onChanged={() => void refresh()} onNeedReauth={() => setConfirming(true)} />
      )}
      <button type="button" onClick={() => void logout()}>
        Sign out
      </button>
    </main>
  );
}
