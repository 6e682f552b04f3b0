import { createContext, useContext, type ComponentType, type ReactNode } from 'react';

/** What the app needs from a sign-in method (Clerk, or the server's development issuer). */
export interface AuthMode {
  /**
   * Shows the sign-in screen while signed out; once signed in, hands the session's token to
   * the SDK and renders `children` inside an AuthSessionContext.
   */
  Gate: ComponentType<{ children: ReactNode }>;
  /** The signed-in user's menu for the header, with a way to sign out. */
  UserMenu: ComponentType;
}

export interface AuthSession {
  /** Ends the session and shows the sign-in screen (with `notice` there, when given). */
  signOut: (notice?: string) => void;
}

/** The sign-in mode of this deployment, chosen once the server's settings are known. */
export const AuthModeContext = createContext<AuthMode | null>(null);

export function useAuthMode(): AuthMode {
  const mode = useContext(AuthModeContext);
  if (!mode) throw new Error('useAuthMode() outside the AppProvider');
  return mode;
}

export const AuthSessionContext = createContext<AuthSession | null>(null);

export function useAuthSession(): AuthSession {
  const session = useContext(AuthSessionContext);
  if (!session) throw new Error('useAuthSession() outside a signed-in Gate');
  return session;
}
