import type { ComponentType, ReactNode } from 'react';

/** What the app needs from a sign-in method (Clerk or the server's development issuer). */
export interface AuthMode {
  /** Shows the sign-in screen while signed out; once signed in, hands the session's token to the SDK and renders `children`. */
  Gate: ComponentType<{ children: ReactNode }>;
  /** The signed-in user's menu for the header, with a way to sign out. */
  UserMenu: ComponentType;
}
