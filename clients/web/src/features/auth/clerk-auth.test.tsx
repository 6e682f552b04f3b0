import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clerkState } from '@/testing/clerk-mock';
import { fakeServer, json } from '@/testing/fake-server';
import { renderApp } from '@/testing/render';

describe('with VITE_CLERK_PUBLISHABLE_KEY set', () => {
  beforeEach(() => vi.stubEnv('VITE_CLERK_PUBLISHABLE_KEY', 'pk_test_example'));
  afterEach(() => {
    clerkState.signedIn = false;
    clerkState.signOuts = 0;
  });

  it("shows Clerk's sign-in when signed out, and calls no API", () => {
    const server = fakeServer();
    renderApp();
    expect(screen.getByText('Clerk sign-in form')).toBeTruthy();
    expect(screen.queryByLabelText('User id')).toBeNull();
    expect(document.querySelector('[data-publishable-key="pk_test_example"]')).not.toBeNull();
    expect(server.requests).toHaveLength(0);
  });

  it("shows the app and sends Clerk's session token when signed in", async () => {
    clerkState.signedIn = true;
    const server = fakeServer();
    renderApp();
    expect(await screen.findByText('4 of 5')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Clerk user menu' })).toBeTruthy();
    expect(server.to('GET', '/api/quota')[0].headers.get('Authorization')).toBe('Bearer clerk-session-token');
  });

  it('offers to sign in again when the server refuses the session', async () => {
    clerkState.signedIn = true;
    fakeServer({ 'GET /api/stats': () => json({ detail: 'the session token has expired' }, 401) });
    renderApp('/progress');
    expect(await screen.findByText('Your session has ended')).toBeTruthy();
    expect(screen.getByText('the session token has expired')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Sign in again' }));
    expect(clerkState.signOuts).toBe(1);
  });
});
