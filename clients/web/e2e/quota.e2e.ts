// The quota runs out (DAILY_QUOTA=2): Generate is disabled and the refill time is shown, and
// the app never sends a request that would be refused.
import { describe, expect, it } from 'vitest';
import {
  NARROW_PHONE,
  PHONE,
  e2eRun,
  expectAccessible,
  expectNoSidewaysScroll,
  screenshot,
  signIn,
} from './support/browser';

const run = e2eRun({ DAILY_QUOTA: '2' });

describe('a learner who used up the daily quota', () => {
  it('generates twice, watching the quota go down', async () => {
    const { page } = run.session;
    await page.goto('/');
    await signIn(page, 'user_e2e_quota');
    for (const left of [1, 0]) {
      const button = page.getByRole('button', { name: 'Generate challenge' });
      await expect.poll(() => button.isEnabled()).toBe(true);
      await button.click();
      await page.waitForURL(/\/challenges\/\d+$/);
      await expect.poll(() => page.getByRole('article').getByRole('button').count()).toBe(4);
      await page.getByRole('link', { name: 'Practice', exact: true }).click();
      await expect
        .poll(() => page.getByText(/challenges left today/).textContent())
        .toBe(`${left} of 2 challenges left today`);
    }
  });

  it('cannot press Generate, and reads when the quota refills', async () => {
    const { page } = run.session;
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
    const { page } = run.session;
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
