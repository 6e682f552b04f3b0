import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { clerkAuth } from '@/features/auth/clerk-auth';
import { devAuth } from '@/features/auth/dev-auth';
import type { AuthMode } from '@/lib/auth';
import { createQueryClient } from '@/lib/query-client';

/** Clerk when a publishable key was set at build time, else the server's development issuer. */
export function authMode(): AuthMode {
  return import.meta.env.VITE_CLERK_PUBLISHABLE_KEY ? clerkAuth : devAuth;
}

/** The QueryClient, then the sign-in gate: nothing below it runs before there is a session. */
export function AppProvider({ children, queryClient }: { children: ReactNode; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  const { Gate } = authMode();
  return (
    <QueryClientProvider client={client}>
      <Gate>{children}</Gate>
    </QueryClientProvider>
  );
}
