import type { ReactNode } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { Logo } from '@/components/ui/logo';
import { useAuthMode } from '@/lib/auth';
import { paths } from '@/lib/paths';

// `more` completes the label; phones show only the first word (the name stays whole).
const NAV = [
  { href: paths.practice.href(), label: 'Practice', more: '' },
  { href: paths.history.href(), label: 'History', more: '' },
  { href: paths.review.href(), label: 'Review', more: 'mistakes' },
  { href: paths.progress.href(), label: 'Progress', more: '' },
];

function isCurrent(href: string, location: string, from: string | null): boolean {
  if (paths.challenge.matches(location)) {
    // A challenge belongs to the list it was opened from.
    const list = from === 'review' ? paths.review : from === 'history' ? paths.history : paths.practice;
    return href === list.href();
  }
  return href === paths.practice.href() ? location === href : location.startsWith(href);
}

export function Layout({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  const from = new URLSearchParams(useSearch()).get('from');
  const { UserMenu } = useAuthMode();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <div className="top-bar-inner">
          <Link href={paths.practice.href()} className="brand">
            <Logo as="span" />
          </Link>
          <nav className="main-nav" aria-label="Main">
            <ul>
              {NAV.map(({ href, label, more }) => (
                <li key={href}>
                  <Link href={href} aria-current={isCurrent(href, location, from) ? 'page' : undefined}>
                    {label}
                    {more && (
                      <>
                        {' '}
                        <span className="nav-more">{more}</span>
                      </>
                    )}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <UserMenu />
        </div>
      </header>
      <main id="main" className="layout" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

export function PageHeader({ title, children, actions }: { title: string; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {children && <p className="lead">{children}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}
