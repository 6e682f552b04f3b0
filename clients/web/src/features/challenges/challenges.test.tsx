import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  getMyHistoryQueryKey,
  getQuotaQueryKey,
  getStatsQueryKey,
  listReviewsQueryKey,
} from '@challenger/sdk/react-query';
import { describe, expect, it, vi } from 'vitest';
import { challenge, devSignedIn, devToken, fakeServer, json, quota } from '@/testing/fake-server';
import { renderApp } from '@/testing/render';

const wrongAnswer = {
  correct: false,
  selected_answer_id: 2,
  correct_answer_id: 1,
  explanation: '`len` counts the items: 2.',
  answered_at: '2026-11-27T10:01:00Z',
};

describe('generator', () => {
  it('generates with the chosen difficulty and topic, waits disabled, then opens the challenge', async () => {
    let release = () => {};
    const server = fakeServer({
      'POST /api/generate-challenge': () =>
        new Promise((resolve) => {
          release = () => resolve(json(challenge({ difficulty: 'hard' })));
        }),
    });
    devSignedIn(devToken('gen'));
    renderApp();

    const generate = await screen.findByRole<HTMLButtonElement>('button', { name: 'Generate challenge' });
    await waitFor(() => expect(generate.disabled).toBe(false));
    await userEvent.click(screen.getByRole('radio', { name: 'Hard' }));
    await userEvent.type(screen.getByLabelText('Topic (optional)'), ' python ');
    await userEvent.click(generate);

    const waiting = await screen.findByRole<HTMLButtonElement>('button', { name: 'Generating…' });
    expect(waiting.disabled).toBe(true);
    release();

    expect(await screen.findByRole('heading', { level: 1, name: 'What does this Python code print?' })).toBeTruthy();
    expect(window.location.pathname).toBe('/challenges/7');
    expect(await server.to('POST', '/api/generate-challenge')[0].json()).toEqual({
      difficulty: 'hard',
      topic: 'python',
    });
    // The new challenge came with the response: no second request for it.
    expect(server.to('GET', '/api/challenges/7')).toHaveLength(0);
    // The quota is reloaded after generating.
    await waitFor(() => expect(server.to('GET', '/api/quota').length).toBeGreaterThan(1));
  });

  it('a suggested topic fills the topic field', async () => {
    fakeServer();
    devSignedIn(devToken('chips'));
    renderApp();
    await userEvent.click(screen.getByRole('button', { name: 'Rust' }));
    expect(screen.getByLabelText<HTMLInputElement>('Topic (optional)').value).toBe('rust');
    expect(screen.getByRole('button', { name: 'Rust' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('is disabled once the quota is spent and says when it refills', async () => {
    const server = fakeServer({ 'GET /api/quota': () => json({ ...quota, quota_remaining: 0 }) });
    devSignedIn(devToken('spent'));
    renderApp();
    expect(await screen.findByText('0 of 5')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Generate challenge' }).disabled).toBe(true);
    expect(screen.getByRole('status').textContent).toMatch(
      /You have used all 5 of today’s challenges\. New ones arrive .*2026/,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Generate challenge' }));
    expect(server.to('POST', '/api/generate-challenge')).toHaveLength(0);
  });

  it('shows the 429 detail, which says when the quota refills', async () => {
    fakeServer({
      'POST /api/generate-challenge': () =>
        json({ detail: 'daily challenge quota used up; it refills in 1 h 30 min' }, 429, { 'Retry-After': '5400' }),
    });
    devSignedIn(devToken('429'));
    renderApp();
    const generate = await screen.findByRole<HTMLButtonElement>('button', { name: 'Generate challenge' });
    await waitFor(() => expect(generate.disabled).toBe(false));
    await userEvent.click(generate);
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Daily quota used up')).toBeTruthy();
    expect(within(alert).getByText('daily challenge quota used up; it refills in 1 h 30 min')).toBeTruthy();
    expect(within(alert).queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('offers to try again after a generator failure (502), and the retry works', async () => {
    let calls = 0;
    fakeServer({
      'POST /api/generate-challenge': () =>
        ++calls === 1 ? json({ detail: 'the challenge generator failed; try again' }, 502) : json(challenge()),
    });
    devSignedIn(devToken('502'));
    renderApp();
    const generate = await screen.findByRole<HTMLButtonElement>('button', { name: 'Generate challenge' });
    await waitFor(() => expect(generate.disabled).toBe(false));
    await userEvent.click(generate);
    expect(await screen.findByText('the challenge generator failed; try again')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'What does this Python code print?' })).toBeTruthy();
  });

  it('turns a network failure into a message with a retry', async () => {
    fakeServer({ 'GET /api/quota': () => Promise.reject(new TypeError('Failed to fetch')) });
    devSignedIn(devToken('offline'));
    renderApp();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('No connection to the server')).toBeTruthy();
    expect(alert.textContent).toMatch(/Cannot reach the server at http:\/\/localhost:8000/);
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Generate challenge' }).disabled).toBe(true);
  });
});

describe('challenge', () => {
  it('answers wrong: marks both options in words, explains, and reloads history and stats', async () => {
    const server = fakeServer({
      'GET /api/challenges/7': () => json(challenge()),
      'POST /api/challenges/7/answer': () => json(wrongAnswer),
    });
    devSignedIn(devToken('answer'));
    const { queryClient } = renderApp('/challenges/7');
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');

    const code = await screen.findByRole('region', { name: 'Python code' });
    expect(code.textContent).toBe('xs = [1, 2]\nprint(`len`(xs))');
    expect(code.querySelector('.hljs-built_in')?.textContent).toBe('print');
    for (const name of ['1', '2', '3', 'an error']) expect(screen.getByRole('button', { name })).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: '3' }));

    expect(await screen.findByRole('heading', { name: 'Wrong answer' })).toBeTruthy();
    expect(screen.getByText('You chose C: 3. The correct answer is B: 2.')).toBeTruthy();
    expect(screen.getByText('counts the items: 2.', { exact: false })).toBeTruthy();
    expect(await server.to('POST', '/api/challenges/7/answer')[0].json()).toEqual({ answer_id: 2 });

    // No more answer buttons; the options say which is which.
    expect(screen.queryByRole('button', { name: /^(1|2|3|an error)$/ })).toBeNull();
    const list = screen.getByRole('list', { name: 'Answer options' });
    const [, b, c] = within(list).getAllByRole('listitem');
    expect(b.textContent).toContain('Correct answer');
    expect(b.className).toContain('correct');
    expect(c.textContent).toContain('Your answer');
    expect(c.className).toContain('wrong');
    // Focus moves to the verdict.
    expect(document.activeElement).toBe(screen.getByRole('region', { name: /Wrong answer/ }));

    // A mistake is a review item from now on, due at once.
    const status = screen.getByRole('region', { name: 'In review' });
    expect(status.textContent).toMatch(/Not reviewed yet\. It is due now: review it\./);
    expect(within(status).getByRole('link', { name: 'review it' }).getAttribute('href')).toBe('/review');

    // Quota, every history list, the stats and the review queue are invalidated by their generated keys.
    const keys = invalidate.mock.calls.map(([filters]) => filters?.queryKey);
    expect(keys).toEqual(
      expect.arrayContaining([getQuotaQueryKey(), getMyHistoryQueryKey(), getStatsQueryKey(), listReviewsQueryKey()]),
    );
  });

  it('answers correctly by keyboard', async () => {
    fakeServer({
      'GET /api/challenges/7': () => json(challenge()),
      'POST /api/challenges/7/answer': () =>
        json({ ...wrongAnswer, correct: true, selected_answer_id: 1, explanation: 'Two.' }),
    });
    devSignedIn(devToken('kbd'));
    renderApp('/challenges/7');
    const b = await screen.findByRole('button', { name: '2' });
    b.focus();
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: 'Correct!' })).toBeTruthy();
    expect(screen.getByText('Your answer, correct')).toBeTruthy();
  });

  it('shows an answered challenge read-only with the recorded answer', async () => {
    const server = fakeServer({
      'GET /api/challenges/7': () =>
        json(challenge({ answer: { selected_answer_id: 3, correct: false, answered_at: '2026-11-27T10:01:00Z' } })),
    });
    devSignedIn(devToken('ro'));
    renderApp('/challenges/7?from=history');
    expect(await screen.findByRole('heading', { name: 'Wrong answer' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^(1|2|3|an error)$/ })).toBeNull();
    expect(screen.getByText('You chose D: an error. The correct answer is B: 2.')).toBeTruthy();
    expect(screen.getByRole('link', { name: /Back to history/ }).getAttribute('href')).toBe('/history');
    expect(server.to('POST', '/api/challenges/7/answer')).toHaveLength(0);
  });

  it("shows where a mistake's review stands: next due, last review, or retired", async () => {
    const answer = { selected_answer_id: 3, correct: false, answered_at: '2026-11-27T10:01:00Z' };
    fakeServer({
      'GET /api/challenges/7': () =>
        json(
          challenge({
            answer,
            reviews: { count: 2, last_correct: false, next_due_at: '2099-01-02T09:00:00Z', retired: false },
          }),
        ),
      'GET /api/challenges/8': () =>
        json(challenge({ id: 8, answer, reviews: { count: 4, last_correct: true, next_due_at: null, retired: true } })),
    });
    devSignedIn(devToken('reviews'));
    renderApp('/challenges/7');
    const status = await screen.findByRole('region', { name: 'In review' });
    expect(status.textContent).toMatch(
      /2 reviews so far, the last one wrong\. Next due Jan 2, 2099, \d+:00 [AP]M \(in \d+ days\)\./,
    );
    expect(
      within(screen.getByRole('article')).getByText(/In review · last review wrong · next due Jan 2/),
    ).toBeTruthy();
    cleanup();

    renderApp('/challenges/8');
    const learnt = await screen.findByRole('region', { name: 'Learnt' });
    expect(learnt.textContent).toMatch(/Retired after 4 reviews: answered right three reviews in a row/);
    expect(within(screen.getByRole('article')).getByText('Retired after 4 reviews')).toBeTruthy();
  });

  it('says when a challenge does not exist', async () => {
    fakeServer({ 'GET /api/challenges/99': () => json({ detail: 'challenge 99 not found' }, 404) });
    devSignedIn(devToken('404'));
    renderApp('/challenges/99');
    expect(await screen.findByText('challenge 99 not found')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Go to history' })).toBeTruthy();
  });
});

describe('code and how the answer was checked', () => {
  const cases = [
    {
      language: 'cpp',
      code: 'std::cout << sizeof(int) << "\\n";',
      token: '.hljs-keyword',
      text: 'sizeof',
      label: 'C++ code',
    },
    {
      language: 'ruby',
      code: 'def twice(x) = x * 2\nputs twice(3)',
      token: '.hljs-keyword',
      text: 'def',
      label: 'Ruby code',
    },
    { language: 'php', code: '<?php\necho intdiv(7, 2);', token: '.hljs-meta', text: '<?php', label: 'PHP code' },
  ] as const;

  for (const { language, code, token, text, label } of cases) {
    it(`highlights ${label} in the language the challenge names`, async () => {
      fakeServer({
        'GET /api/challenges/7': () =>
          json(
            challenge({ question: 'What does this print?', title: `What does this print?\n\n${code}`, code, language }),
          ),
      });
      devSignedIn(devToken(language));
      renderApp('/challenges/7');
      const region = await screen.findByRole('region', { name: label });
      expect(region.textContent).toBe(code);
      expect(region.querySelector(token)?.textContent).toBe(text);
    });
  }

  it('shows code of no named language as it is, and a question without code alone', async () => {
    fakeServer({
      'GET /api/challenges/7': () => json(challenge({ code: 'SELECT 1 <> 2;', language: null })),
      'GET /api/challenges/8': () =>
        json(challenge({ id: 8, title: 'Is `0.1 + 0.2 == 0.3`?', question: 'Is `0.1 + 0.2 == 0.3`?', code: null })),
    });
    devSignedIn(devToken('plain'));
    renderApp('/challenges/7');
    const region = await screen.findByRole('region', { name: 'Code' });
    expect(region.textContent).toBe('SELECT 1 <> 2;');
    expect(region.querySelector('[class^="hljs-"]')).toBeNull();
  });

  it('says how the answer was checked, in words, and nothing when it was not', async () => {
    const labels = {
      executed: 'Checked by running the code',
      reviewed: 'Reviewed',
      cross_checked: 'Checked by a second model',
    } as const;
    fakeServer({
      'GET /api/challenges/1': () => json(challenge({ id: 1, verification: 'executed' })),
      'GET /api/challenges/2': () => json(challenge({ id: 2, verification: 'reviewed' })),
      'GET /api/challenges/3': () => json(challenge({ id: 3, verification: 'cross_checked' })),
      'GET /api/challenges/4': () => json(challenge({ id: 4, verification: 'unchecked' })),
    });
    devSignedIn(devToken('checked'));
    for (const [id, verification] of [
      [1, 'executed'],
      [2, 'reviewed'],
      [3, 'cross_checked'],
    ] as const) {
      const { unmount } = renderApp(`/challenges/${id}`);
      const article = await screen.findByRole('article');
      expect(within(article).getByText(labels[verification], { exact: true })).toBeTruthy();
      unmount();
    }
    renderApp('/challenges/4');
    const article = await screen.findByRole('article');
    expect(article.querySelector('.badge.verification')).toBeNull();
    expect(within(article).queryByText(/Checked|Reviewed/)).toBeNull();
  });
});
