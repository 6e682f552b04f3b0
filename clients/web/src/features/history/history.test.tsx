import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { challenge, devSignedIn, devToken, fakeServer, json } from '@/testing/fake-server';
import { renderApp } from '@/testing/render';

const wrong = { selected_answer_id: 0, correct: false, answered_at: '2026-11-27T10:01:00Z' };
const right = { selected_answer_id: 1, correct: true, answered_at: '2026-11-27T10:01:00Z' };

function historyParams(server: ReturnType<typeof fakeServer>) {
  return server.to('GET', '/api/my-history').map((r) => new URL(r.url).searchParams);
}

describe('history', () => {
  it('shows each outcome, loads more with next_before', async () => {
    const server = fakeServer({
      'GET /api/my-history': (_request, url) =>
        url.searchParams.get('before') === '5'
          ? json({ challenges: [challenge({ id: 4, title: 'Older one', question: 'Older one' })], next_before: null })
          : json({
              challenges: [
                challenge({ id: 6, title: 'Newest one', question: 'Newest one', answer: wrong }),
                challenge({ id: 5, title: 'Middle one', question: 'Middle one', answer: right, difficulty: 'easy' }),
              ],
              next_before: 5,
            }),
    });
    devSignedIn(devToken('hist'));
    renderApp('/history');

    const newest = await screen.findByRole('link', { name: /Newest one/ });
    expect(within(newest).getByText('Wrong')).toBeTruthy();
    expect(within(screen.getByRole('link', { name: /Middle one/ })).getByText('Correct')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    const older = await screen.findByRole('link', { name: /Older one/ });
    expect(within(older).getByText('Unanswered')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();

    const pages = historyParams(server);
    expect(pages[0].get('before')).toBeNull();
    expect(pages[0].get('limit')).toBe('10');
    expect(pages[1].get('before')).toBe('5');
    expect(older.getAttribute('href')).toBe('/challenges/4?from=history');
  });

  it('filters by difficulty and outcome, in the URL too', async () => {
    const server = fakeServer();
    devSignedIn(devToken('filters'));
    renderApp('/history');
    expect(await screen.findByText('No challenges yet')).toBeTruthy();

    await userEvent.selectOptions(screen.getByLabelText('Difficulty'), 'medium');
    await userEvent.selectOptions(screen.getByLabelText('Outcome'), 'wrong');
    expect(await screen.findByText('No challenges match these filters')).toBeTruthy();
    await waitFor(() => {
      const last = historyParams(server).at(-1)!;
      expect([last.get('difficulty'), last.get('outcome')]).toEqual(['medium', 'wrong']);
    });
    expect(window.location.search).toBe('?difficulty=medium&outcome=wrong');

    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByText('No challenges yet')).toBeTruthy();
    expect(window.location.search).toBe('');
  });

  it('reads the filters from the URL', async () => {
    const server = fakeServer();
    devSignedIn(devToken('url'));
    renderApp('/history?outcome=unanswered&difficulty=easy');
    expect(await screen.findByText('No challenges match these filters')).toBeTruthy();
    expect(screen.getByLabelText<HTMLSelectElement>('Outcome').value).toBe('unanswered');
    const last = historyParams(server).at(-1)!;
    expect([last.get('difficulty'), last.get('outcome')]).toEqual(['easy', 'unanswered']);
  });

  it('reopens a row as the read-only challenge with its recorded answer', async () => {
    fakeServer({
      'GET /api/my-history': () => json({ challenges: [challenge({ answer: wrong })], next_before: null }),
      'GET /api/challenges/7': () => json(challenge({ answer: wrong })),
    });
    devSignedIn(devToken('reopen'));
    renderApp('/history');
    await userEvent.click(await screen.findByRole('link', { name: /What does this Python code print/ }));
    expect(await screen.findByRole('heading', { name: 'Wrong answer' })).toBeTruthy();
    expect(screen.getByText('You chose A: 1. The correct answer is B: 2.')).toBeTruthy();
    expect(screen.getByRole('link', { name: /Back to history/ })).toBeTruthy();
  });

  it('keeps what is shown and offers a retry when a later page fails', async () => {
    let fail = true;
    fakeServer({
      'GET /api/my-history': (_request, url) =>
        url.searchParams.get('before')
          ? fail
            ? json({ detail: 'the database is unavailable' }, 503)
            : json({ challenges: [challenge({ id: 4, title: 'Older one', question: 'Older one' })], next_before: null })
          : json({ challenges: [challenge({ id: 6, title: 'Newest one', question: 'Newest one' })], next_before: 5 }),
    });
    devSignedIn(devToken('retry'));
    renderApp('/history');
    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('the database is unavailable')).toBeTruthy();
    expect(screen.getByRole('link', { name: /Newest one/ })).toBeTruthy();
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: /Older one/ })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('review state in history', () => {
  it("shows each mistake's review state, and links to Review", async () => {
    fakeServer({
      'GET /api/my-history': () =>
        json({
          challenges: [
            challenge({
              id: 3,
              title: 'Due one',
              question: 'Due one',
              answer: wrong,
              reviews: { count: 0, last_correct: null, next_due_at: '2026-11-27T10:01:00Z', retired: false },
            }),
            challenge({
              id: 2,
              title: 'Later one',
              question: 'Later one',
              answer: wrong,
              reviews: { count: 1, last_correct: true, next_due_at: '2099-03-04T05:06:00Z', retired: false },
            }),
            challenge({
              id: 1,
              title: 'Learnt one',
              question: 'Learnt one',
              answer: wrong,
              reviews: { count: 3, last_correct: true, next_due_at: null, retired: true },
            }),
          ],
          next_before: null,
        }),
    });
    devSignedIn(devToken('review'));
    renderApp('/history');
    const due = await screen.findByRole('link', { name: /Due one/ });
    expect(within(due).getByText('In review · due now')).toBeTruthy();
    const later = screen.getByRole('link', { name: /Later one/ });
    expect(within(later).getByText(/^In review · last review right · next due Mar 4, \d+:06 [AP]M$/)).toBeTruthy();
    const learnt = screen.getByRole('link', { name: /Learnt one/ });
    expect(within(learnt).getByText('Retired after 3 reviews')).toBeTruthy();

    await userEvent.click(within(screen.getByRole('main')).getByRole('link', { name: 'Review mistakes' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Review' })).toBeTruthy();
  });
});
