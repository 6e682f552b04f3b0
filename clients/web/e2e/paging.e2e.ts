// History pages: ten at a time, "Load more" fetches the next page with the cursor the server
// gave (challenges generated through the API beforehand, to have more than a page).
import { describe, expect, it } from 'vitest';
import { e2eRun, signIn } from './support/browser';
import { api } from './support/server';

const USER = 'user_e2e_paging';
const COUNT = 12;

const run = e2eRun({ DAILY_QUOTA: String(COUNT) }, async (server) => {
  const { token } = await api<{ token: string }>(server, '/api/dev/token', '', {
    method: 'POST',
    body: JSON.stringify({ user_id: USER }),
  });
  for (let i = 0; i < COUNT; i++) {
    await api(server, '/api/generate-challenge', token, {
      method: 'POST',
      body: JSON.stringify({ difficulty: 'easy' }),
    });
  }
});

describe('a long history', () => {
  it('shows ten, then the rest after "Load more"', async () => {
    const { page } = run.session;
    await page.goto('/history');
    await signIn(page, USER);
    expect(new URL(page.url()).pathname).toBe('/history');
    const rows = page.getByRole('main').getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(10);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBe(COUNT);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(await rows.filter({ hasText: 'Unanswered' }).count()).toBe(COUNT);
  });
});
