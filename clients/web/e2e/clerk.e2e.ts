// Clerk mode against the server binary: started with CLERK_JWT_KEY and CLERK_PUBLISHABLE_KEY of
// the test's own Clerk instance (support/clerk.ts), the embedded build reads the key at run time
// and shows Clerk's sign-in, loaded from the Frontend API the key names. A stand-in for Clerk's
// browser script signs in and hands out session tokens signed by the test's key; the learner
// then works as in development mode. The development form never appears, and no request goes
// to the development issuer.
import type { Challenge, Quota } from '@challenger/sdk';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, e2eRun, expectAccessible, expectNoSidewaysScroll } from './support/browser';
import { FRONTEND_API_ORIGIN, clerkInstance, userIdFor } from './support/clerk';
import { api } from './support/server';

const EMAIL = 'ada@example.com';
const USER = userIdFor(EMAIL);

const clerk = clerkInstance();
const run = e2eRun({ ...clerk.env, DAILY_QUOTA: '5' });
let page: Page;
/** What the browser asked of the Frontend API, in order. */
let asked: string[];
/** Every API request the app made: method, path and the bearer token it carried. */
const apiRequests: { call: string; token: string | undefined }[] = [];

beforeAll(async () => {
  page = run.session.page;
  asked = await clerk.serve(run.session.context, run.server.appUrl);
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === run.server.appUrl && url.pathname.startsWith('/api/')) {
      const authorization = request.headers().authorization as string | undefined;
      apiRequests.push({ call: `${request.method()} ${url.pathname}`, token: authorization?.replace(/^Bearer /, '') });
    }
  });
});

// After every step: the development sign-in is nowhere.
afterEach(async () => {
  expect(await page.getByLabel('User id').count()).toBe(0);
  expect(apiRequests.filter((r) => r.call === 'POST /api/dev/token')).toEqual([]);
});

function nav(name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

function claims(jwt: string): { sub: string; iss: string; sid: string } {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as {
    sub: string;
    iss: string;
    sid: string;
  };
}

describe('a learner signing in with Clerk', () => {
  it("sees Clerk's sign-in, loaded from the Frontend API the server's key names", async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Challenger' }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sharpen your coding instincts');
    expect(asked[0]).toMatch(/^GET \/npm\/@clerk\/clerk-js@[^/]+\/dist\/clerk\.browser\.js$/);
    expect(asked).toContainEqual(expect.stringMatching(/^GET \/npm\/@clerk\/ui@[^/]+\/dist\/ui\.browser\.js$/));
    expect(asked).toContain('GET /v1/client');
    // Nothing is asked of the API before there is a session.
    expect(apiRequests).toEqual([]);
    await expectAccessible(page, 'Clerk sign-in');
  });

  it('signs in, and every API request carries a Clerk session token for that user', async () => {
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Practice' }).waitFor();
    await expect.poll(() => page.getByText(/challenges left today/).textContent()).toBe('5 of 5 challenges left today');
    expect(asked).toContain('POST /v1/client/sign_ins');
    expect(apiRequests.length).toBeGreaterThan(0);
    for (const { call, token } of apiRequests) {
      expect(token, call).toBeDefined();
      expect(claims(token!)).toMatchObject({ sub: USER, iss: FRONTEND_API_ORIGIN });
    }
    const quota = await api<Quota>(run.server, '/api/quota', clerk.token(USER));
    expect(quota.user_id).toBe(USER);
    expect(await page.getByText(EMAIL).isVisible()).toBe(true);
    await expectAccessible(page, 'practice (Clerk)');
  });

  it('generates a challenge, answers it, and finds it in history', async () => {
    await page.getByRole('radio', { name: 'Easy' }).check();
    const button = page.getByRole('button', { name: 'Generate challenge' });
    await expect.poll(() => button.isEnabled()).toBe(true);
    await button.click();
    await page.waitForURL(/\/challenges\/\d+$/);
    const id = Number(/\/challenges\/(\d+)/.exec(page.url())?.[1]);
    const challenge = await api<Challenge>(run.server, `/api/challenges/${id}`, clerk.token(USER));
    const right = challenge.options[challenge.correct_answer_id].replace(/`/g, '');
    await page.getByRole('article').getByRole('button', { name: right, exact: true }).click();
    await page.getByRole('heading', { name: 'Correct!' }).waitFor();
    await expectAccessible(page, 'answered challenge (Clerk)');

    await nav('History').click();
    const rows = page.getByRole('main').getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/Easy.*Correct/);
    await nav('Practice').click();
    await expect.poll(() => page.getByText(/challenges left today/).textContent()).toBe('4 of 5 challenges left today');
  });

  it('keeps the session over a reload, as Clerk does', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Practice' }).waitFor();
    await expect.poll(() => page.getByText(/challenges left today/).textContent()).toBe('4 of 5 challenges left today');
  });

  it('fits a phone', async () => {
    await page.setViewportSize(PHONE);
    await expectNoSidewaysScroll(page);
    await expectAccessible(page, 'practice (Clerk, phone)');
  });

  it("signs out through Clerk's user menu and is back at Clerk's sign-in", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Challenger' }).waitFor();
    expect(asked.filter((call) => call.endsWith('/end'))).toHaveLength(1);
  });
});

afterAll(() => {
  // Tokens were fetched from the Frontend API, never minted by the server.
  expect(asked.filter((call) => /^POST \/v1\/client\/sessions\/[^/]+\/tokens$/.test(call)).length).toBeGreaterThan(0);
});
