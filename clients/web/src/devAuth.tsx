import { createDevToken } from '@challenger/sdk';
import { createContext, useContext, useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage, setTokenGetter, unwrap } from './api';
import type { AuthMode } from './auth';

interface DevSession {
  userId: string;
  token: string;
}

// sessionStorage: survives a reload, gone with the tab; this is a development-only token.
const STORAGE_KEY = 'challenger.devSession';

function loadSession(): DevSession | null {
  const stored = sessionStorage.getItem(STORAGE_KEY);
  return stored ? (JSON.parse(stored) as DevSession) : null;
}

const SessionContext = createContext<{ session: DevSession; signOut: () => void } | null>(null);

function DevGate({ children }: { children: ReactNode }) {
  const [session, setSession] = useState(loadSession);
  // Set during render, not in an effect, so the children's first requests already see it.
  setTokenGetter(() => session?.token ?? null);

  function signIn(next: DevSession) {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    setSession(next);
  }
  function signOut() {
    sessionStorage.removeItem(STORAGE_KEY);
    setSession(null);
  }

  if (!session) return <DevSignIn onSignedIn={signIn} />;
  return <SessionContext.Provider value={{ session, signOut }}>{children}</SessionContext.Provider>;
}

function DevSignIn({ onSignedIn }: { onSignedIn: (session: DevSession) => void }) {
  const [userId, setUserId] = useState('user_dev');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { token } = await unwrap(createDevToken({ body: { user_id: userId.trim() } }));
      onSignedIn({ userId: userId.trim(), token });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="card" onSubmit={submit}>
        <h1>Challenger</h1>
        <p>Development sign-in: the server issues a token for any user id.</p>
        <label htmlFor="dev-user-id">User id</label>
        <input
          id="dev-user-id"
          value={userId}
          onChange={(e) => setUserId(e.target.value)}
          required
          autoComplete="username"
        />
        <button type="submit" disabled={busy || !userId.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}

function DevUserMenu() {
  const { session, signOut } = useContext(SessionContext)!;
  return (
    <div className="user-menu">
      <span>{session.userId}</span>
      <button type="button" onClick={signOut}>
        Sign out
      </button>
    </div>
  );
}

export const devAuth: AuthMode = { Gate: DevGate, UserMenu: DevUserMenu };
