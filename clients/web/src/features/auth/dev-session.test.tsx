import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { devSignedIn, devToken, fakeServer, json } from '@/testing/fake-server';
import { renderApp } from '@/testing/render';
import { STORAGE_KEY, tokenExpiry } from './api/dev-session';

describe('development session renewal', () => {
  it('reads the expiry from the token', () => {
    const token = devToken('exp', 120);
    expect(Math.round(((tokenExpiry(token) ?? 0) - Date.now()) / 1000)).toBeGreaterThan(110);
    expect(tokenExpiry('not-a-jwt')).toBeNull();
  });

  it('renews a token that is about to expire before sending any request', async () => {
    const fresh = devToken('fresh');
    const server = fakeServer({ 'POST /api/dev/token': () => json({ token: fresh }) });
    devSignedIn(devToken('stale', 5));
    renderApp();
    expect(await screen.findByText('4 of 5')).toBeTruthy();
    expect(await server.to('POST', '/api/dev/token')[0].json()).toEqual({ user_id: 'user_dev' });
    expect(server.to('POST', '/api/dev/token')).toHaveLength(1);
    for (const r of server.requests.filter((r) => r.url.includes('/api/') && !r.url.endsWith('/dev/token'))) {
      expect(r.headers.get('Authorization')).toBe(`Bearer ${fresh}`);
    }
    expect((JSON.parse(sessionStorage.getItem(STORAGE_KEY)!) as { token: string }).token).toBe(fresh);
  });

  it('renews once after a 401 and reloads what failed', async () => {
    const fresh = devToken('after-401');
    fakeServer({
      'POST /api/dev/token': () => json({ token: fresh }),
      'GET /api/quota': (request) =>
        request.headers.get('Authorization') === `Bearer ${fresh}`
          ? json({
              user_id: 'user_dev',
              quota_remaining: 3,
              daily_limit: 5,
              last_reset_date: '2026-11-27T08:00:00Z',
              next_reset_date: '2026-11-28T08:00:00Z',
            })
          : json({ detail: 'the session token was signed by an unknown key' }, 401),
    });
    devSignedIn(devToken('unknown-key'));
    renderApp();
    expect(await screen.findByText('3 of 5')).toBeTruthy();
  });

  it('returns to sign-in, saying why, when the renewed token is refused too', async () => {
    fakeServer({
      'POST /api/dev/token': () => json({ detail: 'the development issuer is disabled' }, 404),
      'GET /api/quota': () => json({ detail: 'the session token has expired' }, 401),
    });
    devSignedIn(devToken('refused'));
    renderApp();
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe(
        'Your session ended and could not be renewed: the development issuer is disabled',
      ),
    );
  });
});
