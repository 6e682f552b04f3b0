// Stand-in for @clerk/react (see setup.ts): just enough of its API for the app, with the
// signed-in state under the test's control.
import type { ReactNode } from 'react';

export const clerkState = { signedIn: false, signOuts: 0 };

export function ClerkProvider({ publishableKey, children }: { publishableKey: string; children: ReactNode }) {
  return <div data-publishable-key={publishableKey}>{children}</div>;
}

export function Show({ when, fallback, children }: { when: string; fallback?: ReactNode; children: ReactNode }) {
  return (when === 'signed-in') === clerkState.signedIn ? children : fallback;
}

export function SignIn() {
  return <div>Clerk sign-in form</div>;
}

function UserButtonBase({ children }: { children?: ReactNode }) {
  return (
    <div>
      <button type="button">Clerk user menu</button>
      {children}
    </div>
  );
}

function MenuItems({ children }: { children: ReactNode }) {
  return <>{children}</>;
}

function Action({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" onClick={onClick}>
      {label}
    </button>
  );
}

export const UserButton = Object.assign(UserButtonBase, { MenuItems, Action });

export function useAuth() {
  return {
    isLoaded: true,
    isSignedIn: clerkState.signedIn,
    getToken: () => Promise.resolve(clerkState.signedIn ? 'clerk-session-token' : null),
  };
}

const clerk = {
  signOut: () => {
    clerkState.signOuts += 1;
    return Promise.resolve();
  },
};

export function useClerk() {
  return clerk;
}
