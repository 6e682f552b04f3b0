// A server that verifies Clerk sessions (CLERK_JWT_KEY) but has no CLERK_PUBLISHABLE_KEY: the
// app cannot know which Clerk application to sign in with, so instead of a form that cannot work
// it tells the operator, in plain words, what to set. Nothing is loaded from Clerk.
import { describe, expect, it } from 'vitest';
import { NARROW_PHONE, PHONE, e2eRun, expectAccessible, expectNoSidewaysScroll, screenshot } from './support/browser';
import { clerkInstance } from './support/clerk';

const run = e2eRun({ CLERK_JWT_KEY: clerkInstance().env.CLERK_JWT_KEY });

describe('a server with a Clerk key but no publishable key', () => {
  it('says to set CLERK_PUBLISHABLE_KEY, on a desktop and on phones', async () => {
    const { page } = run.session;
    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).origin));
    await page.goto('/history');
    await page.getByRole('heading', { level: 1, name: 'Sign-in is not set up on this server yet' }).waitFor();
    expect(await page.title()).toBe('Sign-in not set up · Challenger');
    expect(await page.getByText('CLERK_PUBLISHABLE_KEY').isVisible()).toBe(true);
    expect(await page.getByLabel('User id').count()).toBe(0);
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(new Set(requests)).toEqual(new Set([run.server.appUrl]));
    await screenshot(page, 'desktop-sign-in-not-set-up');
    await expectAccessible(page, 'sign-in not set up');

    await page.setViewportSize(PHONE);
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'phone-sign-in-not-set-up');
    await expectAccessible(page, 'sign-in not set up (phone)');
    await page.setViewportSize(NARROW_PHONE);
    await expectNoSidewaysScroll(page);
  });
});
