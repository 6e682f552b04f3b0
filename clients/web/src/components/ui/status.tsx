import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { errorMessage, isApiError } from '@/lib/api-client';
import { useAuthSession } from '@/lib/auth';
import { paths } from '@/lib/paths';

/** A loading placeholder that screen readers announce. */
export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

interface ErrorStateProps {
  error: unknown;
  /** Offered for failures that may pass (no response, 5xx). */
  onRetry?: () => void;
  /** Shown beside the message instead of a generic title. */
  title?: string;
}

/**
 * Explains a failed request and offers what helps: signing in again (401), waiting for the
 * quota (429, the server says how long), going back (404), or trying again (no answer, 5xx).
 */
export function ErrorState({ error, onRetry, title }: ErrorStateProps) {
  const { signOut } = useAuthSession();
  const api = isApiError(error) ? error : null;
  const heading = api?.unauthorized
    ? 'Your session has ended'
    : api?.quotaExceeded
      ? 'Daily quota used up'
      : api?.notFound
        ? 'Not found'
        : api?.transient
          ? api.status === 0
            ? 'No connection to the server'
            : 'The server ran into a problem'
          : (title ?? 'Something went wrong');
  return (
    <div className="error-state" role="alert">
      <p className="error-title">{heading}</p>
      <p>{errorMessage(error)}</p>
      <div className="actions">
        {api?.unauthorized && (
          <button type="button" className="button primary" onClick={() => signOut('Sign in again to continue.')}>
            Sign in again
          </button>
        )}
        {api?.notFound && (
          <Link href={paths.history.href()} className="button secondary">
            Go to history
          </Link>
        )}
        {onRetry && (!api || api.transient) && (
          <button type="button" className="button secondary" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    </div>
  );
}
