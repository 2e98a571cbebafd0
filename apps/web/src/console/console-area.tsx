/** The admin console: the navigation shows what the session's permissions allow. */
import { useSession } from '../app/session.tsx';
import { Shell, type NavItem } from '../components/shell.tsx';
import { AuditPage } from './audit-page.tsx';
import { CdrPage } from './cdr-page.tsx';
import { DialPlanPage } from './dial-plan-page.tsx';
import { GroupsPage } from './groups-page.tsx';
import { IntrusionPage } from './intrusion-page.tsx';
import { LiveCallsPage } from './live-calls-page.tsx';
import { PlannedPage } from './planned-page.tsx';
import { RegistrationsPage } from './registrations-page.tsx';
import { SecuritySettingsPage } from './security-settings-page.tsx';
import { SsoProvidersPage } from './sso-providers-page.tsx';
import { StatusPage } from './status-page.tsx';
import { UsersPage } from './users-page.tsx';

interface Area extends NavItem {
  readonly permission: string;
  readonly render: () => React.ReactNode;
}

const planned = (label: string, issue: string) => () => <PlannedPage title={label} issue={issue} />;

const AREAS: readonly Area[] = [
  { to: '/console', label: 'Status', permission: 'system:view', render: () => <StatusPage /> },
  {
    to: '/console/users',
    label: 'Users and devices',
    permission: 'users:view',
    render: () => <UsersPage />,
  },
  {
    to: '/console/groups',
    label: 'Groups and ACL',
    permission: 'groups:view',
    render: () => <GroupsPage />,
  },
  {
    to: '/console/registrations',
    label: 'Registrations',
    permission: 'registrations:view',
    render: () => <RegistrationsPage />,
  },
  {
    to: '/console/calls',
    label: 'Live calls',
    permission: 'calls:view',
    render: () => <LiveCallsPage />,
  },
  { to: '/console/cdr', label: 'Call records', permission: 'cdr:view', render: () => <CdrPage /> },
  {
    to: '/console/dial-plan',
    label: 'Dial plan',
    permission: 'dialplan:view',
    render: () => <DialPlanPage />,
  },
  {
    to: '/console/security',
    label: 'Security settings',
    permission: 'security:view',
    render: () => <SecuritySettingsPage />,
  },
  {
    to: '/console/sso',
    label: 'Single sign-on',
    permission: 'security:view',
    render: () => <SsoProvidersPage />,
  },
  {
    to: '/console/audit',
    label: 'Audit log',
    permission: 'audit:view',
    render: () => <AuditPage />,
  },
  {
    to: '/console/intrusion',
    label: 'Intrusion report',
    permission: 'intrusion:view',
    render: () => <IntrusionPage />,
  },
  {
    to: '/console/certificates',
    label: 'Certificates',
    permission: 'certificates:view',
    soon: true,
    render: planned('Certificates', 'the certificates work'),
  },
  {
    to: '/console/backups',
    label: 'Backups',
    permission: 'backups:view',
    soon: true,
    render: planned('Backups', 'the backups work'),
  },
  {
    to: '/console/retention',
    label: 'Retention',
    permission: 'retention:view',
    soon: true,
    render: planned('Retention', 'the retention work'),
  },
  {
    to: '/console/monitoring',
    label: 'Monitoring',
    permission: 'monitoring:view',
    soon: true,
    render: planned('Monitoring', 'the monitoring work'),
  },
];

export function ConsoleArea(props: { path: string }) {
  const { me, can } = useSession();
  const allowed = AREAS.filter((a) => can(a.permission));
  const page = allowed.find((a) => a.to === props.path);
  return (
    <Shell
      title="Console"
      path={props.path}
      nav={allowed}
      switchTo={{ to: '/app', label: 'User app' }}
    >
      {me?.session.kind !== 'console' ? (
        <section>
          <h1>Console</h1>
          <p>
            This session was opened for the user app. Sign in again and choose “Admin console” to
            manage the system.
          </p>
        </section>
      ) : page ? (
        page.render()
      ) : allowed.length === 0 ? (
        <section>
          <h1>Console</h1>
          <p>Your groups give you no console area.</p>
        </section>
      ) : (
        <section>
          <h1>Not here</h1>
          <p>This console page does not exist or your groups do not allow it.</p>
        </section>
      )}
    </Shell>
  );
}
