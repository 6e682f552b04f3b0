import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Root } from '../src/Root';
import { clerkState } from './clerkMock';
import { fakeServer } from './fakeServer';

describe('with VITE_CLERK_PUBLISHABLE_KEY set', () => {
  beforeEach(() => vi.stubEnv('VITE_CLERK_PUBLISHABLE_KEY', 'pk_test_example'));
  afterEach(() => {
    clerkState.signedIn = false;
  });

  it("shows Clerk's sign-in when signed out", () => {
    fakeServer();
    render(<Root />);
    expect(screen.getByText('Clerk sign-in form')).toBeTruthy();
    expect(screen.queryByLabelText('User id')).toBeNull();
    expect(document.querySelector('[data-publishable-key="pk_test_example"]')).not.toBeNull();
  });

  it("shows the app and sends Clerk's session token when signed in", async () => {
    clerkState.signedIn = true;
    const server = fakeServer();
    render(<Root />);
    expect(await screen.findByText(/4 of 5/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Clerk user menu' })).toBeTruthy();
    expect(server.to('GET', '/api/quota')[0].headers.get('Authorization')).toBe('Bearer clerk-session-token');
  });
});
