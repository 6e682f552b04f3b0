import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { devSignedIn, devToken, fakeServer, json } from '@/testing/fake-server';
import { renderApp } from '@/testing/render';

describe('development sign-in', () => {
  it('gets a token from createDevToken, then shows the app and sends that token', async () => {
    const token = devToken('fresh');
    const server = fakeServer({ 'POST /api/dev/token': () => json({ token }) });
    renderApp();

    // Nothing is asked of the API before there is a token.
    expect(server.requests).toHaveLength(0);
    const userId = screen.getByLabelText('User id');
    await userEvent.clear(userId);
    await userEvent.type(userId, 'user_alice');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText(/challenges left today/)).toBeTruthy();
    expect(screen.getByText('4 of 5')).toBeTruthy();
    expect(await server.to('POST', '/api/dev/token')[0].json()).toEqual({ user_id: 'user_alice' });
    expect(server.to('GET', '/api/quota')[0].headers.get('Authorization')).toBe(`Bearer ${token}`);
    expect(screen.getByText('user_alice')).toBeTruthy();

    await userEvent.click(screen.getByLabelText('Account menu of user_alice'));
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(sessionStorage.length).toBe(0);
  });

  it('shows the server detail when the dev issuer is disabled', async () => {
    fakeServer({ 'POST /api/dev/token': () => json({ detail: 'the development issuer is disabled' }, 404) });
    renderApp();
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('the development issuer is disabled');
  });

  it('keeps the session across a reload (sessionStorage)', async () => {
    fakeServer();
    devSignedIn(devToken('kept'));
    renderApp('/history');
    expect(await screen.findByRole('heading', { level: 1, name: 'History' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
  });
});

describe('navigation', () => {
  it('has a link per screen, marks the current one, and routes to it', async () => {
    fakeServer();
    devSignedIn(devToken('nav'));
    renderApp();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Practice' }).getAttribute('aria-current')).toBe('page');

    await userEvent.click(within(nav).getByRole('link', { name: 'Progress' }));
    expect(window.location.pathname).toBe('/progress');
    expect(await screen.findByRole('heading', { level: 1, name: 'Progress' })).toBeTruthy();
    expect(within(nav).getByRole('link', { name: 'Progress' }).getAttribute('aria-current')).toBe('page');

    await userEvent.click(within(nav).getByRole('link', { name: 'Review' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Review' })).toBeTruthy();
  });

  it('shows a not-found screen for unknown paths', () => {
    fakeServer();
    devSignedIn(devToken('nf'));
    renderApp('/nowhere');
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeTruthy();
  });
});

describe('the account menu', () => {
  it("downloads the learner's data with the session token", async () => {
    const server = fakeServer({
      'GET /api/me/export': () =>
        json({ user: { id: 'user_dev' } }, 200, {
          'Content-Disposition': 'attachment; filename="challenger-user_dev.json"',
        }),
    });
    const saved: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    vi.stubGlobal(
      'URL',
      Object.assign(URL, { createObjectURL: () => 'blob:export', revokeObjectURL: () => undefined }),
    );
    devSignedIn(devToken('export'));
    renderApp();
    await userEvent.click(screen.getByLabelText('Account menu of user_dev'));
    await userEvent.click(screen.getByRole('button', { name: 'Download my data' }));
    await waitFor(() => expect(saved).toEqual(['challenger-user_dev.json']));
    expect(server.to('GET', '/api/me/export')[0].headers.get('Authorization')).toMatch(/^Bearer /);
  });
});
