import { ClerkProvider, Show, SignIn, UserButton, useAuth } from '@clerk/react';
import type { ReactNode } from 'react';
import { setTokenGetter } from './api';
import type { AuthMode } from './auth';

function ClerkGate({ children }: { children: ReactNode }) {
  return (
    <ClerkProvider publishableKey={import.meta.env.VITE_CLERK_PUBLISHABLE_KEY ?? ''}>
      <Show
        when="signed-in"
        fallback={
          <main className="sign-in">
            <SignIn routing="hash" />
          </main>
        }
      >
        <ClerkToken>{children}</ClerkToken>
      </Show>
    </ClerkProvider>
  );
}

function ClerkToken({ children }: { children: ReactNode }) {
  const { getToken } = useAuth();
  // Set during render, not in an effect, so the children's first requests already see it.
  setTokenGetter(() => getToken());
  return children;
}

export const clerkAuth: AuthMode = { Gate: ClerkGate, UserMenu: UserButton };
