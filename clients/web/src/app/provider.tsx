import { QueryClientProvider, useQuery, type QueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Logo } from '@/components/ui/logo';
import { Loading } from '@/components/ui/status';
import { clerkAuth } from '@/features/auth/clerk-auth';
import { SignInNotConfigured } from '@/features/auth/components/sign-in-not-configured';
import { devAuth } from '@/features/auth/dev-auth';
import { errorMessage } from '@/lib/api-client';
import { appConfigOptions, type AppConfig } from '@/lib/app-config';
import { AuthModeContext, type AuthMode } from '@/lib/auth';
import { createQueryClient } from '@/lib/query-client';

/** Neither Clerk nor the development issuer: a page telling the operator what to set. */
const notConfigured: AuthMode = { Gate: SignInNotConfigured, UserMenu: () => null };

/**
 * Clerk when the server has a publishable key (or, under `npm run dev`, when
 * VITE_CLERK_PUBLISHABLE_KEY is set), else the development issuer when it is on.
 */
export function authMode(config: AppConfig): AuthMode {
  const key = import.meta.env.VITE_CLERK_PUBLISHABLE_KEY ?? config.clerk_publishable_key;
  if (key) return clerkAuth(key);
  return config.dev_issuer ? devAuth : notConfigured;
}

/** The QueryClient, then the sign-in gate: nothing below it runs before there is a session. */
export function AppProvider({ children, queryClient }: { children: ReactNode; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <QueryClientProvider client={client}>
      <SignInGate>{children}</SignInGate>
    </QueryClientProvider>
  );
}

/** Reads how this server signs in (once per page load), then shows that mode's gate. */
function SignInGate({ children }: { children: ReactNode }) {
  const viteKey = import.meta.env.VITE_CLERK_PUBLISHABLE_KEY;
  const config = useQuery({ ...appConfigOptions(), enabled: !viteKey });
  if (viteKey) return <Gate mode={clerkAuth(viteKey)}>{children}</Gate>;
  if (config.data) return <Gate mode={authMode(config.data)}>{children}</Gate>;
  return (
    <main className="sign-in">
      <div className="sign-in-panel">
        <Logo />
        {config.isError ? (
          <div className="error-state" role="alert">
            <p className="error-title">Cannot start the app</p>
            <p>{errorMessage(config.error)}</p>
            <div className="actions">
              <button type="button" className="button secondary" onClick={() => void config.refetch()}>
                Try again
              </button>
            </div>
          </div>
        ) : (
          <Loading label="Loading…" />
        )}
      </div>
    </main>
  );
}

function Gate({ mode, children }: { mode: AuthMode; children: ReactNode }) {
  return (
    <AuthModeContext.Provider value={mode}>
      <mode.Gate>{children}</mode.Gate>
    </AuthModeContext.Provider>
  );
}
