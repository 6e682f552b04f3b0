// The quota runs out (DAILY_QUOTA=2): Generate is disabled and the refill time is shown, and
// the app never sends a request that would be refused.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DESKTOP,
  NARROW_PHONE,
  PHONE,
  expectAccessible,
  expectNoProblems,
  expectNoSidewaysScroll,
  launchBrowser,
  openSession,
  screenshot,
  signIn,
  type Session,
} from './support/browser';
import { startAppServer, type AppServer } from './support/server';

let server: AppServer;
let browser: Browser;
let session: Session;

beforeAll(async () => {
  server = await startAppServer({ DAILY_QUOTA: '2' });
  browser = await launchBrowser();
  session = await openSession(browser, server, DESKTOP);
});

afterEach(() => expectNoProblems(session));

afterAll(async () => {
  // Unset when beforeAll failed half-way.
  /* eslint-disable @typescript-eslint/no-unnecessary-condition */
  await browser?.close();
  await server?.stop();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

describe('a learner who used up the daily quota', () => {
  it('generates twice, watching the quota go down', async () => {
    const { page } = session;
    await page.goto('/');
    await signIn(page, 'user_e2e_quota');
    for (const left of [1, 0]) {
      const button = page.getByRole('button', { name: 'Generate challenge' });
      await expect.poll(() => button.isEnabled()).toBe(true);
      await button.click();
      await page.waitForURL(/\/challenges\/\d+$/);
      await expect.poll(() => page.getByRole('article').getByRole('button').count()).toBe(4);
      await page.getByRole('link', { name: 'Practice', exact: true }).click();
      await expect.poll(() => page.getByText(/challenges left today/).textContent()).toBe(`${left} of 2 challenges left today`);
    }
  });

  it('cannot press Generate, and reads when the quota refills', async () => {
    const { page } = session;
    const button = page.getByRole('button', { name: 'Generate challenge' });
    expect(await button.isDisabled()).toBe(true);
    const note = page.getByRole('status').filter({ hasText: 'You have used all 2 of today’s challenges' });
    expect(await note.textContent()).toMatch(
      /^You have used all 2 of today’s challenges\. New ones arrive \w{3} \d+, \d{4}, \d+:\d\d [AP]M \(in (23 h 5\d min|24 h)\)\. Meanwhile, review your mistakes\.$/,
    );
    expect(await page.getByText(/^Refills /).textContent()).toMatch(/\(in (23 h 5\d min|24 h)\)$/);
    // Clicking the disabled button does nothing (and sends nothing).
    await button.click({ force: true });
    await screenshot(page, 'desktop-practice-quota-spent');
    await expectAccessible(page, 'practice, quota spent');
  });

  it('stays spent after a reload, and fits a phone', async () => {
    const { page } = session;
    await page.reload();
    await page.getByText('0 of 2 challenges left today').waitFor();
    expect(await page.getByRole('button', { name: 'Generate challenge' }).isDisabled()).toBe(true);
    await page.setViewportSize(PHONE);
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'phone-practice-quota-spent');
    await page.setViewportSize(NARROW_PHONE);
    await expectNoSidewaysScroll(page);
  });
});
