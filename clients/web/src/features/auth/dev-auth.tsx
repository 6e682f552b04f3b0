import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { DownloadMyData } from '@/features/account/components/download-my-data';
import { setTokenGetter } from '@/lib/api-client';
import { forgetUserData } from '@/lib/invalidate';
import { AuthSessionContext, useAuthSession, type AuthMode } from '@/lib/auth';
import { setUnauthorizedHandler } from '@/lib/query-client';
import { devSessions } from './api/dev-session';
import { DevSignIn } from './components/dev-sign-in';

function DevGate({ children }: { children: ReactNode }) {
  const { session, notice } = useSyncExternalStore(devSessions.subscribe, devSessions.getSnapshot);
  const queryClient = useQueryClient();
  // Set during render (it is idempotent), so the children's first requests already carry it.
  setTokenGetter(devSessions.token);

  // A 401 despite the renewal before expiry (e.g. the server was restarted with a new key):
  // renew once and reload what failed, or return to the sign-in screen.
  useEffect(
    () =>
      setUnauthorizedHandler((error) => {
        void devSessions.recover(error.sentToken).then((renewed) => {
          if (renewed) void queryClient.invalidateQueries();
        });
      }),
    [queryClient],
  );

  // Signed out: nothing of that user's data stays in the cache for the next one.
  useEffect(() => {
    if (!session) forgetUserData(queryClient);
  }, [session, queryClient]);

  const value = useMemo(() => ({ signOut: (reason?: string) => devSessions.signOut(reason ?? null) }), []);
  if (!session) return <DevSignIn notice={notice} />;
  return <AuthSessionContext.Provider value={value}>{children}</AuthSessionContext.Provider>;
}

/** The account menu: who is signed in, their data to download, and signing out. */
function DevUserMenu() {
  const { session } = useSyncExternalStore(devSessions.subscribe, devSessions.getSnapshot);
  const { signOut } = useAuthSession();
  const userId = session?.userId ?? '';
  return (
    <details className="user-menu">
      <summary aria-label={`Account menu of ${userId}`}>
        <span className="avatar" aria-hidden="true">
          {userId
            .replace(/^user_/, '')
            .charAt(0)
            .toUpperCase() || '?'}
        </span>
        <span className="user-id" title={userId} aria-hidden="true">
          {userId}
        </span>
      </summary>
      <div className="menu-panel">
        <DownloadMyData />
        <button type="button" className="button ghost small" onClick={() => signOut()}>
          Sign out
        </button>
      </div>
    </details>
  );
}

export const devAuth: AuthMode = { Gate: DevGate, UserMenu: DevUserMenu };
