import { Component, type ReactNode } from 'react';
import { Logo } from '@/components/ui/logo';
import { errorMessage } from '@/lib/api-client';
import { paths } from '@/lib/paths';

interface State {
  failed: boolean;
  error: unknown;
}

/**
 * The last line: an error thrown while rendering anywhere below (a bug, an answer the app did not
 * expect) shows a page that says so and offers a way on, instead of a blank screen. React logs
 * the error to the console itself.
 */
export class AppErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { failed: false, error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { failed: true, error };
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="sign-in">
        <title>Something went wrong · Challenger</title>
        <div className="sign-in-panel">
          <Logo />
          <h1>Something went wrong</h1>
          <div className="error-state" role="alert">
            <p>The app ran into an error it cannot recover from, so this page stopped here.</p>
            <p className="hint">{errorMessage(this.state.error)}</p>
            <div className="actions">
              <button type="button" className="button primary" onClick={() => window.location.reload()}>
                Reload the page
              </button>
              {/* A full page load, not a client route: the app starts afresh. */}
              <a href={paths.practice.href()} className="button secondary">
                Go to practice
              </a>
            </div>
          </div>
        </div>
      </main>
    );
  }
}
