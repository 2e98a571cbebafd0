/** The top of the app: one login, then the console (/console) or the user app (/app). */
import { useEffect } from 'react';
import { ConsoleArea } from '../console/console-area.tsx';
import { LoginPage } from '../login/login-page.tsx';
import { PasswordExpiredPage } from '../login/password-expired-page.tsx';
import { SetupPage } from '../login/setup-page.tsx';
import { UserArea } from '../user/user-area.tsx';
import { Loading } from '../components/ui.tsx';
import { navigate, useLocation } from './router.tsx';
import { SessionProvider, useSession } from './session.tsx';

function Routes() {
  const { path, params } = useLocation();
  const { me, loading } = useSession();
  const isConsole = path === '/console' || path.startsWith('/console/');
  const isApp = path === '/app' || path.startsWith('/app/');
  const needsLogin = (isConsole || isApp || path === '/') && !loading && !me;

  useEffect(() => {
    // The single sign-on hand-over lands on "/" with `?sso_error=`, `?sso_linked=1` or a
    // pending step in the fragment (docs/sso.md): they travel on to the page that shows them.
    if (needsLogin)
      navigate(
        isConsole
          ? '/login?to=console'
          : `/login${path === '/' ? location.search + location.hash : ''}`,
        true,
      );
    else if (path === '/' && me)
      navigate(
        params.get('sso_linked') === '1'
          ? '/app/security?sso_linked=1'
          : params.has('sso_error')
            ? `/app/security?sso_error=${encodeURIComponent(params.get('sso_error') ?? '')}`
            : me.mfaEnrolmentRequired
              ? '/app/security?enrol=1'
              : me.session.kind === 'console'
                ? '/console'
                : '/app',
        true,
      );
  }, [needsLogin, isConsole, path, params, me]);

  if (path === '/setup') return <SetupPage />;
  if (path === '/login') return <LoginPage />;
  if (loading || !me) return <Loading />;
  if (me.passwordChangeRequired && (isConsole || isApp)) return <PasswordExpiredPage />;
  if (isConsole) return <ConsoleArea path={path} />;
  if (isApp) return <UserArea path={path} />;
  return (
    <main className="narrow">
      <h1>Not found</h1>
      <p>There is no page at this address.</p>
    </main>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Routes />
    </SessionProvider>
  );
}
