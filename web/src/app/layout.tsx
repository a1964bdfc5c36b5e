import { Bell, Bot, Columns3, Hand, KeyRound, LayoutDashboard, LogIn, Plus, ScrollText, UserCheck } from 'lucide-react';
import { Suspense, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { useSignedInAgent, useSignedInAgentId } from '../api/identity.js';
import { ErrorBoundary } from '../components/error-boundary.js';
import { SkeletonRows } from '../components/states.js';
import { NotificationFailureBanner } from '../views/notifications/failure-banner.js';
import { ConnectionIndicator } from './connection-indicator.js';
import { useNewTask } from './new-task-context.js';
import { useServices } from './services.js';
import { ThemeToggle } from './theme.js';

const MY_WORK = { to: '/my-work', label: 'My work', icon: Hand, end: false } as const;
const NAV = [
  { to: '/', label: 'Overview', icon: LayoutDashboard, end: true },
  { to: '/board', label: 'Board', icon: Columns3, end: false },
  { to: '/agents', label: 'Agents', icon: Bot, end: false },
  { to: '/events', label: 'Events', icon: ScrollText, end: false },
] as const;
const NOTIFICATIONS = { to: '/notifications', label: 'Notifications', icon: Bell, end: false } as const;
const TOKENS = { to: '/tokens', label: 'Tokens', icon: KeyRound, end: false } as const;

/** A human signed in as its agent gets My work first; notifications and token administration are for everyone else (an agent token may not). */
function useNav() {
  const signedIn = useSignedInAgentId() !== null;
  return signedIn ? [MY_WORK, ...NAV] : [...NAV, NOTIFICATIONS, TOKENS];
}

/**
 * Who the page works as, and the way to change it: the token prompt opened on purpose.
 * It lives in the shell, so the signed-in agent's heartbeat goes on whatever view is open.
 */
function SignInButton() {
  const { auth } = useServices();
  const agentId = useSignedInAgentId();
  useSignedInAgent();
  const Icon = agentId === null ? LogIn : UserCheck;
  return (
    <button
      type="button"
      className="button button--ghost"
      onClick={auth.signIn}
      aria-label={agentId === null ? 'Sign in' : `Signed in as ${agentId}: change or sign out`}
      data-testid="sign-in"
    >
      <Icon size={16} aria-hidden="true" />
      <span className="button__label">{agentId ?? 'Sign in'}</span>
    </button>
  );
}

function Brand() {
  return (
    <div className="brand">
      <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" />
        <path d="M9 11h6l4 10h4M9 21h6l4-10h4" />
      </svg>
      <span className="brand__name">Switchboard</span>
    </div>
  );
}

function NavItems({ variant }: { variant: 'side' | 'bottom' }) {
  const nav = useNav();
  return (
    <ul className={`nav nav--${variant}`}>
      {nav.map(({ to, label, icon: Icon, end }) => (
        <li key={to}>
          <NavLink to={to} end={end} className={({ isActive }) => `nav__link ${isActive ? 'nav__link--active' : ''}`}>
            <Icon size={variant === 'side' ? 16 : 20} aria-hidden="true" />
            <span>{label}</span>
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

/**
 * The shell: a left navigation (a bottom bar under 640 px), a top bar with the
 * connection state, the theme toggle and the always-reachable "New task" button, and
 * the routed view inside its own error boundary.
 */
export function Layout({ children }: { children: ReactNode }) {
  const { openNewTask } = useNewTask();
  const location = useLocation();
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <aside className="sidebar">
        <Brand />
        <nav aria-label="Main">
          <NavItems variant="side" />
        </nav>
        <div className="sidebar__footer">
          <ConnectionIndicator />
        </div>
      </aside>
      <div className="main">
        <header className="topbar">
          <div className="topbar__brand">
            <Brand />
          </div>
          <div className="topbar__spacer" />
          <div className="topbar__connection">
            <ConnectionIndicator compact />
          </div>
          <SignInButton />
          <ThemeToggle />
          <button type="button" className="button button--primary" onClick={openNewTask} aria-label="New task" data-testid="new-task">
            <Plus size={16} aria-hidden="true" />
            <span className="button__label">New task</span>
          </button>
        </header>
        <main id="content" className="content" tabIndex={-1}>
          <NotificationFailureBanner />
          <ErrorBoundary resetKey={location.pathname}>
            <Suspense
              fallback={
                <div className="view">
                  <SkeletonRows rows={6} />
                </div>
              }
            >
              {children}
            </Suspense>
          </ErrorBoundary>
        </main>
      </div>
      <nav className="bottom-bar" aria-label="Main">
        <NavItems variant="bottom" />
      </nav>
    </div>
  );
}
