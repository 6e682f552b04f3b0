import { ClerkProvider, Show, SignIn, UserButton, useAuth, useClerk } from '@clerk/react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, type ReactNode } from 'react';
import { Logo } from '@/components/ui/logo';
import { downloadMyData } from '@/features/account/api/download-export';
import { errorMessage, setTokenGetter } from '@/lib/api-client';
import { forgetUserData } from '@/lib/invalidate';
import { AuthSessionContext, type AuthMode } from '@/lib/auth';

function ClerkGate({ publishableKey, children }: { publishableKey: string; children: ReactNode }) {
  return (
    <ClerkProvider publishableKey={publishableKey}>
      <ClearCacheOnSignOut />
      <Show
        when="signed-in"
        fallback={
          <main className="sign-in">
            <title>Sign in · Challenger</title>
            <div className="sign-in-panel">
              <Logo />
              <h1>Sharpen your coding instincts</h1>
              <SignIn routing="hash" />
            </div>
          </main>
        }
      >
        <ClerkSession>{children}</ClerkSession>
      </Show>
    </ClerkProvider>
  );
}

/** Signed out: nothing of that user's data stays in the cache for the next one. */
function ClearCacheOnSignOut() {
  const { isSignedIn } = useAuth();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (isSignedIn === false) forgetUserData(queryClient);
  }, [isSignedIn, queryClient]);
  return null;
}

function ClerkSession({ children }: { children: ReactNode }) {
  const { getToken } = useAuth();
  const clerk = useClerk();
  // Set during render, so the children's first requests already carry Clerk's session token
  // (a fresh one per request: Clerk refreshes it before it expires).
  setTokenGetter(() => getToken());
  const value = useMemo(() => ({ signOut: () => void clerk.signOut() }), [clerk]);
  return <AuthSessionContext.Provider value={value}>{children}</AuthSessionContext.Provider>;
}

/** Clerk's account menu, with the learner's data to download beside its own entries. */
function ClerkUserMenu() {
  return (
    <UserButton>
      <UserButton.MenuItems>
        <UserButton.Action
          label="Download my data"
          labelIcon={<span aria-hidden="true">⤓</span>}
          onClick={() => {
            downloadMyData().catch((error: unknown) => {
              window.alert(`Your data could not be downloaded: ${errorMessage(error)}`);
            });
          }}
        />
      </UserButton.MenuItems>
    </UserButton>
  );
}

const modes = new Map<string, AuthMode>();

/** Clerk's sign-in for the instance `publishableKey` names (the same object for the same key). */
export function clerkAuth(publishableKey: string): AuthMode {
  let mode = modes.get(publishableKey);
  if (!mode) {
    mode = {
      Gate: ({ children }) => <ClerkGate publishableKey={publishableKey}>{children}</ClerkGate>,
      UserMenu: ClerkUserMenu,
    };
    modes.set(publishableKey, mode);
  }
  return mode;
}
