import { useState, type SubmitEvent } from 'react';
import { Logo } from '@/components/ui/logo';
import { errorMessage } from '@/lib/api-client';
import { devSessions, mintDevToken } from '../api/dev-session';

/** "Sign in as": the server's development issuer gives a token for any user id. */
export function DevSignIn({ notice }: { notice: string | null }) {
  const [userId, setUserId] = useState('user_dev');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = userId.trim();

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      devSessions.signIn({ userId: id, token: await mintDevToken(id) });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <title>Sign in · Challenger</title>
      <div className="sign-in-panel">
        <Logo />
        <h1>Sharpen your coding instincts</h1>
        <p className="lead">
          Short multiple-choice challenges in Python, JavaScript, Rust, SQL and more, with an explanation for every
          answer.
        </p>
        <form className="card stack" onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-heading">
          <h2 id="sign-in-heading">Sign in</h2>
          {notice && (
            <p className="notice" role="status">
              {notice}
            </p>
          )}
          <div className="field">
            <label htmlFor="dev-user-id">User id</label>
            <input
              id="dev-user-id"
              value={userId}
              onChange={(e) => setUserId(e.target.value)}
              required
              maxLength={128}
              autoComplete="username"
              spellCheck={false}
              aria-describedby="dev-user-id-hint"
            />
            <p className="hint" id="dev-user-id-hint">
              Development sign-in: the server issues a session for any user id.
            </p>
          </div>
          <button type="submit" className="button primary" disabled={busy || !id}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </form>
      </div>
    </main>
  );
}
