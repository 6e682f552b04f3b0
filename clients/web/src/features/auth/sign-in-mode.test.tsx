import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { clerkState } from '@/testing/clerk-mock';
import { fakeServer, json } from '@/testing/fake-server';
import { renderApp } from '@/testing/render';

// The app reads how to sign in from the server at run time: the same build serves all three.
describe('the sign-in the server asks for', () => {
  afterEach(() => {
    clerkState.signedIn = false;
  });

  it("shows Clerk's sign-in with the server's publishable key, and never the development form", async () => {
    const server = fakeServer({
      'GET /app-config.json': () => json({ clerk_publishable_key: 'pk_test_c2VydmVyLmtleSQ', dev_issuer: false }),
    });
    renderApp('/', { appConfig: null });
    expect(await screen.findByText('Clerk sign-in form')).toBeTruthy();
    expect(document.querySelector('[data-publishable-key="pk_test_c2VydmVyLmtleSQ"]')).not.toBeNull();
    expect(screen.queryByLabelText('User id')).toBeNull();
    expect(server.requests.map((r) => new URL(r.url).pathname)).toEqual(['/app-config.json']);
  });

  it('signs in with Clerk and calls the API with its token', async () => {
    clerkState.signedIn = true;
    const server = fakeServer({
      'GET /app-config.json': () => json({ clerk_publishable_key: 'pk_test_c2VydmVyLmtleSQ', dev_issuer: true }),
    });
    renderApp('/', { appConfig: null });
    expect(await screen.findByText('4 of 5')).toBeTruthy();
    expect(server.to('GET', '/api/quota')[0].headers.get('Authorization')).toBe('Bearer clerk-session-token');
  });

  it('shows the development sign-in when the server runs its development issuer', async () => {
    const server = fakeServer();
    renderApp('/', { appConfig: null });
    expect(await screen.findByLabelText('User id')).toBeTruthy();
    expect(screen.queryByText('Clerk sign-in form')).toBeNull();
    expect(server.to('GET', '/app-config.json')).toHaveLength(1);
  });

  it('tells the operator to set CLERK_PUBLISHABLE_KEY when the server has neither', async () => {
    const server = fakeServer({
      'GET /app-config.json': () => json({ clerk_publishable_key: null, dev_issuer: false }),
    });
    renderApp('/history', { appConfig: null });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Sign-in is not set up on this server yet' }),
    ).toBeTruthy();
    expect(screen.getByText('CLERK_PUBLISHABLE_KEY')).toBeTruthy();
    expect(screen.queryByLabelText('User id')).toBeNull();
    expect(screen.queryByText('Clerk sign-in form')).toBeNull();
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(server.requests).toHaveLength(1);
  });

  it('says so when the settings cannot be read, and tries again', async () => {
    let answers = 0;
    fakeServer({
      'GET /app-config.json': () => {
        answers += 1;
        return answers === 1
          ? json({ detail: 'starting' }, 503)
          : json({ clerk_publishable_key: null, dev_issuer: true });
      },
    });
    renderApp('/', { appConfig: null });
    expect((await screen.findByRole('alert')).textContent).toContain('Cannot start the app');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByLabelText('User id')).toBeTruthy();
  });

  it('does not guess from an answer that is not the settings', async () => {
    fakeServer({ 'GET /app-config.json': () => json({ clerk_publishable_key: 42 }) });
    renderApp('/', { appConfig: null });
    expect((await screen.findByRole('alert')).textContent).toContain("is not the app's settings");
    expect(screen.queryByLabelText('User id')).toBeNull();
  });
});
