import type { ReactNode } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { Logo } from '@/components/ui/logo';
import { useReviewQueue } from '@/features/review/api/get-review-queue';
import { useAuthMode } from '@/lib/auth';
import { paths } from '@/lib/paths';

const NAV = [
  { href: paths.practice.href(), label: 'Practice' },
  { href: paths.history.href(), label: 'History' },
  { href: paths.review.href(), label: 'Review' },
  { href: paths.progress.href(), label: 'Progress' },
];

function isCurrent(href: string, location: string, from: string | null): boolean {
  if (paths.challenge.matches(location)) {
    // A challenge belongs to the list it was opened from.
    return href === (from === 'history' ? paths.history : paths.practice).href();
  }
  return href === paths.practice.href() ? location === href : location.startsWith(href);
}

/** "Review 3": the items due, shown once there are any; the link's name says what the number is. */
function ReviewLink({ href, current }: { href: string; current: boolean }) {
  const due = useReviewQueue().data?.due_count ?? 0;
  return (
    <Link
      href={href}
      aria-current={current ? 'page' : undefined}
      aria-label={due > 0 ? `Review ${due} due` : undefined}
    >
      Review
      {due > 0 && (
        <>
          {' '}
          <span className="nav-count">{due}</span>
        </>
      )}
    </Link>
  );
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
              {NAV.map(({ href, label }) => (
                <li key={href}>
                  {href === paths.review.href() ? (
                    <ReviewLink href={href} current={isCurrent(href, location, from)} />
                  ) : (
                    <Link href={href} aria-current={isCurrent(href, location, from) ? 'page' : undefined}>
                      {label}
                    </Link>
                  )}
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
