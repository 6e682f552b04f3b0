import { Logo } from '@/components/ui/logo';

/**
 * The server checks Clerk sessions but was not told which Clerk application the app signs in
 * with: say, in an operator's words, what to set, instead of a sign-in that cannot work.
 */
export function SignInNotConfigured() {
  return (
    <main className="sign-in">
      <title>Sign-in not set up · Challenger</title>
      <div className="sign-in-panel">
        <Logo />
        <h1>Sign-in is not set up on this server yet</h1>
        <div className="card stack setup-needed">
          <p>
            This server checks sign-ins with Clerk, but it does not know which Clerk application this page should sign
            you in with.
          </p>
          <h2>To fix it</h2>
          <p>
            Whoever runs the server sets <code>CLERK_PUBLISHABLE_KEY</code> to the application&apos;s publishable key
            and restarts the server. The key starts with <code>pk_live_</code> or <code>pk_test_</code>; the Clerk
            dashboard shows it under <strong>API keys</strong>. Then reload this page.
          </p>
          <p className="hint">If you came here to practise, let the person who runs this site know.</p>
        </div>
      </div>
    </main>
  );
}
