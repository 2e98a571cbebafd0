/** The user app: phone, colleagues' presence, call history, my calls, personal security. */
import { useSession } from '../app/session.tsx';
import { Shell, type NavItem } from '../components/shell.tsx';
import { ColleaguesPage } from './colleagues-page.tsx';
import { HistoryPage } from './history-page.tsx';
import { MyCallsPage } from './my-calls-page.tsx';
import { PhonePage } from './phone-page.tsx';
import { PhoneProvider } from './phone-provider.tsx';
import { MySecurityPage } from './my-security-page.tsx';

const NAV: readonly NavItem[] = [
  { to: '/app', label: 'Phone' },
  { to: '/app/colleagues', label: 'Colleagues' },
  { to: '/app/history', label: 'Call history' },
  { to: '/app/calls', label: 'My calls' },
  { to: '/app/security', label: 'My security' },
];

export function UserArea(props: { path: string }) {
  const { me, can } = useSession();
  const nav = NAV.filter((n) => n.to !== '/app/colleagues' || can('presence'));
  const page =
    props.path === '/app/colleagues' ? (
      <ColleaguesPage />
    ) : props.path === '/app/history' ? (
      <HistoryPage />
    ) : props.path === '/app/calls' ? (
      <MyCallsPage />
    ) : props.path === '/app/security' ? (
      <MySecurityPage />
    ) : props.path === '/app' ? (
      <PhonePage />
    ) : (
      <section>
        <h1>Not here</h1>
        <p>There is no such page in the app.</p>
      </section>
    );
  return (
    <Shell
      title="App"
      path={props.path}
      nav={nav}
      {...(me?.session.kind === 'console'
        ? { switchTo: { to: '/console', label: 'Console' } }
        : {})}
    >
      {me?.mfaEnrolmentRequired && props.path !== '/app/security' ? (
        <div className="alert alert-info" role="status">
          Your organisation requires a second factor: set one up under My security.
        </div>
      ) : null}
      <PhoneProvider>{page}</PhoneProvider>
    </Shell>
  );
}
