/** The frame of both areas: a header with the area switch, a navigation, the page. */
import { useState, type ReactNode } from 'react';
import { Link, navigate } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { ThemeToggle } from './theme-toggle.tsx';

export interface NavItem {
  readonly to: string;
  readonly label: string;
  readonly soon?: boolean;
}

export function Shell(props: {
  title: string;
  path: string;
  nav: readonly NavItem[];
  switchTo?: { to: string; label: string };
  children: ReactNode;
}) {
  const { logout } = useSession();
  const [open, setOpen] = useState(false);
  const signOut = () => {
    void logout().finally(() => navigate('/login', true));
  };
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="menu-button"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen(!open)}
        >
          Menu
        </button>
        <span className="brand">Palisade · {props.title}</span>
        <span className="spacer" />
        {props.switchTo ? <Link to={props.switchTo.to}>{props.switchTo.label}</Link> : null}
        <ThemeToggle />
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav id="main-nav" className={open ? 'sidenav open' : 'sidenav'} aria-label={props.title}>
        <ul>
          {props.nav.map((item) => (
            <li key={item.to}>
              <Link to={item.to} current={props.path === item.to}>
                {item.label}
                {item.soon ? <span className="badge">soon</span> : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {props.children}
      </main>
    </div>
  );
}
