// A learner's session against the release binary, in a real browser: sign in, generate at a
// chosen difficulty, answer wrong (by keyboard) and right, read the explanation, find the
// answers in history with their outcome, filter to mistakes, review the mistake when it is due
// (the count in the navigation), check progress per language, the streak and today's activity,
// reload, survive an expiring token, and the same screens at phone widths. Every screen is
// checked with axe-core and photographed; no step may log a console error or a failed request.
import { readFileSync } from 'node:fs';
import type { Challenge, Difficulty, UserExport } from '@challenger/sdk';
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  NARROW_PHONE,
  PHONE,
  e2eRun,
  expectAccessible,
  expectNoProblems,
  expectNoSidewaysScroll,
  openSession,
  screenshot,
  sessionToken,
  signIn,
  type Session,
} from './support/browser';
import { api } from './support/server';
import { LETTERS, VERIFICATION_LABELS, splitCode } from '../src/lib/format';
import { LANGUAGE_LABELS } from '../src/lib/highlight';
import { describe as describeCounts, languageLabel } from '../src/features/progress/describe';

const USER = 'user_e2e_learner';

const run = e2eRun({ DAILY_QUOTA: '5' });
/** The desktop session's page (set once the run has started). */
let page: Page;
/** The challenges generated so far, by difficulty (read back through the API). */
const generated: Partial<Record<Difficulty, Challenge>> = {};

beforeAll(() => {
  page = run.session.page;
});

function nav(name: string, p: Page = page) {
  return p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

/** The navigation's "Review" link, with or without its due count. */
function reviewNav(p: Page = page) {
  return p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Review( \d+ due)?$/ });
}

async function quotaText(p: Page = page): Promise<string> {
  const quota = p.getByText(/challenges left today/);
  await quota.waitFor();
  return (await quota.textContent()) ?? '';
}

/** Generates at `difficulty` from the practice screen; resolves on the new challenge's page. */
async function generate(difficulty: Difficulty): Promise<Challenge> {
  await nav('Practice').click();
  await page.getByRole('radio', { name: difficulty[0].toUpperCase() + difficulty.slice(1) }).check();
  const button = page.getByRole('button', { name: 'Generate challenge' });
  await expect.poll(() => button.isEnabled()).toBe(true);
  await button.click();
  await page.waitForURL(/\/challenges\/\d+$/);
  const id = Number(/\/challenges\/(\d+)/.exec(page.url())?.[1]);
  const challenge = await api<Challenge>(run.server, `/api/challenges/${id}`, await sessionToken(page));
  expect(challenge.difficulty).toBe(difficulty);
  await page.getByRole('heading', { level: 1 }).waitFor();
  generated[difficulty] = challenge;
  return challenge;
}

/** The option's text as shown (Markdown backticks dropped). */
function optionText(challenge: Challenge, index: number): string {
  return challenge.options[index].replace(/`/g, '');
}

/** The option's button: its name is the option's text. */
function optionButton(challenge: Challenge, index: number, p: Page = page) {
  return p.getByRole('article').getByRole('button', { name: optionText(challenge, index), exact: true });
}

describe('a learner on a desktop browser', () => {
  it('sees the sign-in screen first, and nothing is asked of the API before signing in', async () => {
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) apiCalls.push(request.url());
    });
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.title()).toBe('Sign in · Challenger');
    await screenshot(page, 'desktop-sign-in');
    await expectAccessible(page, 'sign-in');
    expect(apiCalls).toEqual([]);
    page.removeAllListeners('request');
  });

  it('signs in and sees the full daily quota with its refill time', async () => {
    await signIn(page, USER);
    await page.getByRole('heading', { level: 1, name: 'Practice' }).waitFor();
    expect(await quotaText()).toBe('5 of 5 challenges left today');
    expect(await page.getByText(/^Refills /).textContent()).toMatch(
      /^Refills \w{3} \d+, \d{4}, \d+:\d\d [AP]M \(in (23 h 59 min|24 h)\)$/,
    );
    expect(await page.getByRole('button', { name: 'Generate challenge' }).isEnabled()).toBe(true);
    await page.getByText('Nothing here yet').waitFor();
    await screenshot(page, 'desktop-practice');
    await expectAccessible(page, 'practice');
  });

  it('generates a hard challenge, with highlighted code when it has some', async () => {
    const challenge = await generate('hard');
    const article = page.getByRole('article');
    expect(await article.getByText('Hard', { exact: true }).isVisible()).toBe(true);
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(
      challenge.question.replace(/`/g, ''),
    );
    if (challenge.code) {
      // The listing as the challenge gives it, highlighted in its language (which token classes
      // it gets depends on the question drawn; the unit tests check those).
      const label = challenge.language ? `${LANGUAGE_LABELS[challenge.language]} code` : 'Code';
      const code = page.getByRole('region', { name: label, exact: true }).locator('code.hljs');
      expect((await code.textContent())?.trim()).toBe(splitCode(challenge.code).code.trim());
    }
    // The bank's answers are checked: by running the code, or reviewed.
    const checked = VERIFICATION_LABELS[challenge.verification];
    expect(checked).not.toBeNull();
    expect(await article.getByText(checked!, { exact: true }).isVisible()).toBe(true);
    for (let i = 0; i < 4; i++) expect(await optionButton(challenge, i).isEnabled()).toBe(true);
    await screenshot(page, 'desktop-challenge');
    await expectAccessible(page, 'challenge');
  });

  it('answers it wrong with the keyboard and reads which answer was right, and why', async () => {
    const challenge = generated.hard!;
    const wrong = (challenge.correct_answer_id + 1) % 4;
    await optionButton(challenge, wrong).focus();
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Wrong answer' }).waitFor();
    const verdict = `You chose ${LETTERS[wrong]}: ${optionText(challenge, wrong)}. The correct answer is ${LETTERS[challenge.correct_answer_id]}: ${optionText(challenge, challenge.correct_answer_id)}.`;
    expect(await page.getByText(verdict).count()).toBe(1);
    const explanation = challenge.explanation.split(/\n\s*\n/)[0].replace(/`/g, '');
    expect(await page.locator('.explanation').textContent()).toContain(explanation);
    // Marked in words, not by colour alone, and no longer answerable.
    const options = page.getByRole('list', { name: 'Answer options' }).getByRole('listitem');
    expect(await options.nth(challenge.correct_answer_id).textContent()).toContain('Correct answer');
    expect(await options.nth(wrong).textContent()).toContain('Your answer');
    expect(await page.getByRole('article').getByRole('button').count()).toBe(0);
    // Keyboard focus moved to the verdict.
    expect(await page.evaluate(() => document.activeElement?.querySelector('h2')?.textContent)).toContain(
      'Wrong answer',
    );
    await screenshot(page, 'desktop-challenge-answered');
    await expectAccessible(page, 'answered challenge');
  });

  it('sees the quota drop by one', async () => {
    await nav('Practice').click();
    await expect.poll(() => quotaText()).toBe('4 of 5 challenges left today');
  });

  it('answers an easy one right and leaves a medium one unanswered', async () => {
    const easy = await generate('easy');
    await optionButton(easy, easy.correct_answer_id).click();
    await page.getByRole('heading', { name: 'Correct!' }).waitFor();
    expect(await page.getByText('Your answer, correct').count()).toBe(1);
    await generate('medium');
    await nav('Practice').click();
    await expect.poll(() => quotaText()).toBe('2 of 5 challenges left today');
    await page.getByRole('heading', { name: 'Recent challenges' }).waitFor();
    await expect
      .poll(() => page.getByRole('region', { name: 'Recent challenges' }).getByRole('listitem').count())
      .toBe(3);
  });

  it('finds all three in history, newest first, each with its outcome', async () => {
    await nav('History').click();
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor();
    const rows = page.getByRole('main').getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(3);
    const texts = await rows.allTextContents();
    expect(texts[0]).toMatch(/Medium.*Unanswered/);
    expect(texts[1]).toMatch(/Easy.*Correct/);
    expect(texts[2]).toMatch(/Hard.*Wrong/);
    await screenshot(page, 'desktop-history');
    await expectAccessible(page, 'history');
  });

  it('filters history to the mistakes, and to a difficulty', async () => {
    await page.getByLabel('Outcome').selectOption('wrong');
    await page.waitForURL(/\?outcome=wrong$/);
    const rows = page.getByRole('main').getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/Hard.*Wrong/);

    await page.getByLabel('Difficulty').selectOption('easy');
    await page.getByText('No challenges match these filters').waitFor();
    await page.getByLabel('Difficulty').selectOption('hard');
    await expect.poll(() => rows.count()).toBe(1);
    expect(page.url()).toMatch(/\?difficulty=hard&outcome=wrong$/);
  });

  it('keeps the session and the filter over a reload', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor();
    expect(await page.getByLabel('Outcome').inputValue()).toBe('wrong');
    expect(await page.getByLabel('Difficulty').inputValue()).toBe('hard');
    await expect.poll(() => page.getByRole('main').getByRole('listitem').count()).toBe(1);
    expect(await page.getByText(USER).isVisible()).toBe(true);
  });

  it('reopens the mistake read-only with the recorded answer marked', async () => {
    const hard = generated.hard!;
    await page.getByRole('main').getByRole('link', { name: /Wrong/ }).click();
    await page.waitForURL(new RegExp(`/challenges/${hard.id}\\?from=history$`));
    await page.getByRole('heading', { name: 'Wrong answer' }).waitFor();
    expect(await page.getByRole('article').getByRole('button').count()).toBe(0);
    const options = page.getByRole('list', { name: 'Answer options' }).getByRole('listitem');
    expect(await options.nth(hard.correct_answer_id).textContent()).toContain('Correct answer');
    // A wrong first answer made it a review item, due at once.
    expect(await page.getByRole('region', { name: 'In review' }).textContent()).toContain(
      'Not reviewed yet. It is due now: review it.',
    );
    await page.getByRole('link', { name: 'Back to history' }).click();
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor();
  });

  it('finds the mistake in Review, with the count after the word "Review" in the navigation', async () => {
    const hard = generated.hard!;
    await expect.poll(() => reviewNav().textContent()).toBe('Review 1');
    expect(await reviewNav().getAttribute('aria-label')).toBe('Review 1 due');
    await reviewNav().click();
    await page.getByRole('heading', { level: 1, name: 'Review' }).waitFor();
    expect(await reviewNav().getAttribute('aria-current')).toBe('page');
    // The mistake again, as a fresh attempt: its question and four answerable options.
    const question = page.getByRole('heading', { level: 2, name: hard.question.replace(/`/g, '') });
    await question.waitFor();
    expect(await page.getByText('First review').isVisible()).toBe(true);
    for (let i = 0; i < 4; i++) expect(await optionButton(hard, i).isEnabled()).toBe(true);
    await screenshot(page, 'desktop-review');
    await expectAccessible(page, 'review');
  });

  it('reviews it right: the explanation, when it comes back, and the count gone', async () => {
    const hard = generated.hard!;
    await optionButton(hard, hard.correct_answer_id).click();
    const result = page.getByRole('region', { name: /Correct!/ });
    await result.waitFor();
    const text = (await result.textContent()) ?? '';
    expect(text).toContain(
      `You chose ${LETTERS[hard.correct_answer_id]}: ${optionText(hard, hard.correct_answer_id)}.`,
    );
    expect(text).toMatch(
      /Comes back \w{3} \d+, \d{4}, \d+:\d\d [AP]M \(in (\d+ min|under a minute|\d+ h( \d+ min)?|\d+ days)\)\./,
    );
    expect(await result.locator('.explanation').textContent()).toContain(
      hard.explanation.split(/\n\s*\n/)[0].replace(/`/g, ''),
    );
    expect(await page.evaluate(() => document.activeElement?.querySelector('h2')?.textContent)).toContain('Correct!');
    await expect.poll(() => reviewNav().textContent()).toBe('Review');
    await screenshot(page, 'desktop-review-answered');
    await expectAccessible(page, 'reviewed');

    await result.getByRole('button', { name: 'Next' }).click();
    await page.getByText('All caught up').waitFor();
    expect(await page.getByText(/^Next review due /).textContent()).toMatch(/^Next review due \w{3} \d+, \d{4}/);
    await expectAccessible(page, 'review, all caught up');
  });

  it('shows the review state in history and on the challenge', async () => {
    const hard = generated.hard!;
    await nav('History').click();
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor();
    const row = page.getByRole('main').getByRole('link', { name: /Wrong/ });
    await expect.poll(() => row.textContent()).toMatch(/In review · last review right · next due \w{3} \d+/);
    await row.click();
    await page.waitForURL(new RegExp(`/challenges/${hard.id}\\?from=history$`));
    const status = page.getByRole('region', { name: 'In review' });
    await expect.poll(() => status.textContent()).toMatch(/1 review so far, the last one right\. Next due /);
  });

  it('shows progress: per language weakest first, the streak, today, and the reviews due', async () => {
    await nav('Progress').click();
    await page.getByRole('heading', { name: 'Accuracy by difficulty' }).waitFor();
    const tiles = await page
      .getByRole('term')
      .evaluateAll((terms) => terms.map((t) => `${t.textContent}: ${t.nextElementSibling?.textContent}`));
    expect(tiles).toEqual([
      'Accuracy: 50%',
      'Answered: 2 of 3',
      'Correct: 1',
      'Mistakes: 1See them',
      'Streak: 1 day',
      'Due for review: 0',
    ]);
    const bars = await page
      .getByRole('region', { name: 'Accuracy by difficulty' })
      .getByRole('listitem')
      .allTextContents();
    expect(bars).toEqual([
      'Easy100% 1 of 1 correct · 1 generated',
      'Medium– none answered yet · 1 generated',
      'Hard0% 0 of 1 correct · 1 generated',
    ]);

    // Per language, counted here from the challenges themselves: the hard one was wrong, the
    // easy one right, the medium one unanswered.
    const counts = new Map<string, { total_generated: number; total_answered: number; total_correct: number }>();
    for (const [difficulty, c] of Object.entries(generated)) {
      const key = c.language ?? 'general';
      const n = counts.get(key) ?? { total_generated: 0, total_answered: 0, total_correct: 0 };
      n.total_generated += 1;
      if (difficulty !== 'medium') n.total_answered += 1;
      if (difficulty === 'easy') n.total_correct += 1;
      counts.set(key, n);
    }
    const languages = page.getByRole('region', { name: 'Accuracy by language' }).getByRole('listitem');
    const rows = await languages.allTextContents();
    expect(rows).toHaveLength(counts.size);
    const accuracy = (n: { total_answered: number; total_correct: number }) =>
      n.total_answered === 0 ? Infinity : n.total_correct / n.total_answered;
    for (const [key, n] of counts) {
      const expected = `${languageLabel(key)}${n.total_answered === 0 ? '–' : `${Math.round(accuracy(n) * 100)}%`} ${describeCounts({ ...n, accuracy: null })}`;
      const row = rows.find((r) => r.startsWith(expected));
      expect(row, `the row of ${key} in ${JSON.stringify(rows)}`).toBeDefined();
      const link = languages.filter({ hasText: expected }).getByRole('link');
      if (key === 'general') expect(await link.count()).toBe(0);
      else
        expect(await link.getAttribute('href')).toBe(`/?topic=${encodeURIComponent(languageLabel(key).toLowerCase())}`);
    }
    // Weakest first.
    const order = rows.map((r) => [...counts.entries()].find(([key]) => r.startsWith(languageLabel(key)))![1]);
    const ranks = order.map(accuracy);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);

    const activity = page.getByRole('region', { name: 'Activity, last 30 days' });
    expect(await activity.getByText(/^Today:/).textContent()).toBe(
      'Today: 2 answered, 1 correct. 2 answered on 1 of the last 30 days.',
    );
    await activity.getByText('Show as a table').click();
    const today = activity.getByRole('row').nth(1);
    expect(await today.getByRole('cell').allTextContents()).toEqual(['2', '1']);
    await activity.getByText('Show as a table').click();
    await screenshot(page, 'desktop-progress');
    await expectAccessible(page, 'progress');
  });

  it('practises a language from progress: the topic is filled in', async () => {
    const link = page.getByRole('region', { name: 'Accuracy by language' }).getByRole('link').first();
    // Only `general` (no language): nothing to practise by language.
    if ((await link.count()) === 0) return;
    const name = ((await link.textContent()) ?? '').replace(/^Practise /, '');
    await link.click();
    await page.getByRole('heading', { level: 1, name: 'Practice' }).waitFor();
    expect(await page.getByLabel('Topic (optional)').inputValue()).toBe(name.toLowerCase());
    expect(await page.getByRole('button', { name, exact: true }).getAttribute('aria-pressed')).toBe('true');
    await nav('Progress').click();
    await page.getByRole('heading', { name: 'Accuracy by difficulty' }).waitFor();
  });

  it('downloads their data from the account menu', async () => {
    await page.getByLabel(`Account menu of ${USER}`).click();
    await expectAccessible(page, 'account menu');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    const path = await download.path();
    const document = JSON.parse(readFileSync(path, 'utf8')) as UserExport;
    expect(document.user.id).toBe(USER);
    expect(document.challenges).toHaveLength(3);
    await page.getByLabel(`Account menu of ${USER}`).click();
  });

  it('renews a development token that is about to expire, without a failed request', async () => {
    const { token: shortLived } = await api<{ token: string }>(run.server, '/api/dev/token', '', {
      method: 'POST',
      body: JSON.stringify({ user_id: USER, ttl_secs: 20 }),
    });
    await page.evaluate(
      ([userId, token]) => sessionStorage.setItem('challenger.devSession', JSON.stringify({ userId, token })),
      [USER, shortLived],
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Accuracy by difficulty' }).waitFor();
    const renewed = await sessionToken(page);
    expect(renewed).not.toBe(shortLived);
  });

  it('shows a not-found screen for an unknown path', async () => {
    await page.goto('/no/such/screen');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await expectAccessible(page, 'not found');
  });
});

describe('the same learner on phones', () => {
  let phone: Session;

  beforeAll(async () => {
    phone = await openSession(run.browser, run.server, PHONE);
  });
  afterEach(() => expectNoProblems(phone));

  /** Checks the current screen at 390 and 360 px, photographs it at 390 px. */
  async function checkScreen(name: string): Promise<void> {
    await phone.page.setViewportSize(PHONE);
    await expectNoSidewaysScroll(phone.page);
    await screenshot(phone.page, `phone-${name}`);
    await expectAccessible(phone.page, `${name} (phone)`);
    await phone.page.setViewportSize(NARROW_PHONE);
    await expectNoSidewaysScroll(phone.page);
    await phone.page.setViewportSize(PHONE);
  }

  function phoneNav(name: string) {
    return phone.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  }

  it('signs in', async () => {
    await phone.page.goto('/');
    await phone.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkScreen('sign-in');
    await signIn(phone.page, USER);
    expect(await quotaText(phone.page)).toBe('2 of 5 challenges left today');
    await expect
      .poll(() => phone.page.getByRole('region', { name: 'Recent challenges' }).getByRole('listitem').count())
      .toBe(3);
    await checkScreen('practice');
  });

  it('opens the unanswered challenge and its options', async () => {
    await phoneNav('History').click();
    await phone.page
      .getByRole('main')
      .getByRole('link', { name: /Unanswered/ })
      .click();
    await phone.page.getByRole('heading', { level: 1 }).waitFor();
    await optionButton(generated.medium!, 0, phone.page).waitFor();
    await checkScreen('challenge');
  });

  it('answers it wrong and reads the explanation', async () => {
    const medium = generated.medium!;
    await optionButton(medium, (medium.correct_answer_id + 1) % 4, phone.page).click();
    await phone.page.getByRole('heading', { name: 'Wrong answer' }).waitFor();
    await checkScreen('challenge-answered');
  });

  it('history fits too', async () => {
    await phoneNav('History').click();
    await expect.poll(() => phone.page.getByRole('main').getByRole('listitem').count()).toBe(3);
    await checkScreen('history');
  });

  it('reviews the new mistake, with its count in the navigation', async () => {
    const medium = generated.medium!;
    await expect.poll(() => reviewNav(phone.page).textContent()).toBe('Review 1');
    await reviewNav(phone.page).click();
    await phone.page.getByRole('heading', { level: 2, name: medium.question.replace(/`/g, '') }).waitFor();
    await checkScreen('review');
    await optionButton(medium, medium.correct_answer_id, phone.page).click();
    await phone.page
      .getByRole('region', { name: /Correct!/ })
      .getByText(/^Comes back /)
      .waitFor();
    await checkScreen('review-answered');
    await phone.page.getByRole('button', { name: 'Next' }).click();
    await phone.page.getByText('All caught up').waitFor();
    await checkScreen('review-empty');
  });

  it('progress fits too: two mistakes now, the streak and today', async () => {
    await phoneNav('Progress').click();
    await phone.page.getByRole('heading', { name: 'Accuracy by language' }).waitFor();
    expect(await phone.page.getByText(/^Today:/).textContent()).toBe(
      'Today: 3 answered, 1 correct. 3 answered on 1 of the last 30 days.',
    );
    expect(await phone.page.getByRole('term').filter({ hasText: 'Streak' }).locator('xpath=..').textContent()).toBe(
      'Streak1 day',
    );
    await checkScreen('progress');
  });
});
