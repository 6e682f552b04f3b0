import type { Challenge } from '@challenger/sdk';
import { getChallengeQueryKey } from '@challenger/sdk/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  challenge,
  devSignedIn,
  devToken,
  fakeServer,
  json,
  reviewItem,
  reviewQueue,
  reviewResult,
} from '@/testing/fake-server';
import { renderApp } from '@/testing/render';

const first = reviewItem({ id: 7 });
const second = reviewItem({
  id: 9,
  question: 'Which keyword declares a constant in Rust?',
  title: 'Which keyword declares a constant in Rust?',
  code: null,
  language: null,
  options: ['let', 'const', 'static', 'mut'],
  reviews: { count: 2, last_correct: true, next_due_at: '2026-11-28T10:00:00Z', retired: false },
});

function reviewLink() {
  return within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: /^Review/ });
}

describe('review', () => {
  it('works through the due items one at a time, with the count in the navigation', async () => {
    let queue = [first, second];
    const server = fakeServer({
      'GET /api/review': () => json(reviewQueue(queue)),
      // The mistakes, for when the next review is due: the first one comes back in 2099.
      'GET /api/my-history': (_request, url) =>
        json({
          challenges:
            url.searchParams.get('outcome') === 'wrong'
              ? [
                  challenge({
                    answer: first.answer,
                    reviews: { count: 1, last_correct: false, next_due_at: '2099-01-01T10:01:00Z', retired: false },
                  }),
                ]
              : [],
          next_before: null,
        }),
      'POST /api/challenges/7/review': () => {
        queue = [second];
        return json(reviewResult({ selected_answer_id: 2, next_due_at: '2099-01-01T10:01:00Z' }));
      },
      'POST /api/challenges/9/review': () => {
        queue = [];
        return json(
          reviewResult({
            correct: true,
            selected_answer_id: 1,
            correct_answer_id: 1,
            explanation: '`const` is a compile-time constant.',
            next_due_at: null,
            retired: true,
          }),
        );
      },
    });
    devSignedIn(devToken('review'));
    renderApp('/review');

    // The first due item, as a fresh attempt; the count after the word "Review".
    expect(await screen.findByRole('heading', { level: 2, name: 'What does this Python code print?' })).toBeTruthy();
    await waitFor(() => expect(reviewLink().textContent).toBe('Review 2'));
    expect(reviewLink().getAttribute('aria-label')).toBe('Review 2 due');
    expect(reviewLink().getAttribute('aria-current')).toBe('page');
    expect(screen.getByText('2', { selector: '.review-progress strong' })).toBeTruthy();
    expect(screen.getByText('First review')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Python code' })).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: '3' }));
    const result = await screen.findByRole('region', { name: /Wrong answer/ });
    expect(await server.to('POST', '/api/challenges/7/review')[0].json()).toEqual({ answer_id: 2 });
    expect(result.textContent).toContain('You chose C: 3. The correct answer is B: 2.');
    expect(result.textContent).toMatch(/Comes back Jan 1, 2099, \d+:01 [AP]M \(in \d+ days\)\./);
    expect(within(result).getByText('counts the items: 2.', { exact: false })).toBeTruthy();
    expect(document.activeElement).toBe(result);
    // The queue is fetched again: one left.
    await waitFor(() => expect(reviewLink().textContent).toBe('Review 1'));
    // The answered item stays until "Next".
    expect(screen.getByRole('heading', { level: 2, name: 'What does this Python code print?' })).toBeTruthy();

    await userEvent.click(within(result).getByRole('button', { name: 'Next' }));
    const question = await screen.findByRole('heading', {
      level: 2,
      name: 'Which keyword declares a constant in Rust?',
    });
    expect(document.activeElement).toBe(question);
    expect(screen.getByText('Third review · last one right')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'const' }));
    const right = await screen.findByRole('region', { name: /Correct!/ });
    expect(right.textContent).toContain('Learnt. Right three reviews in a row: it retires and will not come back.');
    await waitFor(() => expect(reviewLink().textContent).toBe('Review'));
    expect(reviewLink().getAttribute('aria-label')).toBeNull();

    await userEvent.click(within(right).getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('All caught up')).toBeTruthy();
    expect(screen.getByText(/^Next review due Jan 1, 2099/)).toBeTruthy();
    expect(screen.getByText(/1 of 2 right this session/)).toBeTruthy();
    expect(document.activeElement?.textContent).toContain('All caught up');
  });

  it('says when the reviews of this visit come back, when the mistakes are too many to read', async () => {
    let queue = [first];
    fakeServer({
      'GET /api/review': () => json(reviewQueue(queue)),
      'GET /api/my-history': () => json({ challenges: [], next_before: 3 }),
      'POST /api/challenges/7/review': () => {
        queue = [];
        return json(reviewResult({ next_due_at: '2099-05-06T07:08:00Z' }));
      },
    });
    devSignedIn(devToken('many'));
    renderApp('/review');
    await userEvent.click(await screen.findByRole('button', { name: '1' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Next' }));
    expect(await screen.findByText(/^What you reviewed comes back from May 6, 2099/)).toBeTruthy();
  });

  it("updates a cached challenge's review state at once", async () => {
    fakeServer({
      'GET /api/review': () => json(reviewQueue([first])),
      'POST /api/challenges/7/review': () => json(reviewResult({ correct: true, selected_answer_id: 1 })),
    });
    devSignedIn(devToken('cached'));
    const { queryClient } = renderApp('/review');
    const key = getChallengeQueryKey({ path: { id: 7 } });
    queryClient.setQueryData(key, challenge({ answer: first.answer, reviews: first.reviews }));
    await userEvent.click(await screen.findByRole('button', { name: '2' }));
    await screen.findByRole('region', { name: /Correct!/ });
    expect(queryClient.getQueryData<Challenge>(key)?.reviews).toEqual({
      count: 1,
      last_correct: true,
      next_due_at: '2026-11-27T11:01:00Z',
      retired: false,
    });
  });

  it('says when nothing is due, with a way to practise', async () => {
    fakeServer();
    devSignedIn(devToken('none'));
    renderApp('/review');
    expect(await screen.findByText('Nothing to review right now')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Practise something new' }).getAttribute('href')).toBe('/');
    expect(reviewLink().textContent).toBe('Review');
  });

  it('explains a review the server refuses, and moves on', async () => {
    let queue = [first, second];
    fakeServer({
      'GET /api/review': () => json(reviewQueue(queue)),
      'POST /api/challenges/7/review': () => {
        queue = [second];
        return json({ detail: 'this review item is not due until 2026-11-28T10:00:00Z' }, 409);
      },
    });
    devSignedIn(devToken('409'));
    renderApp('/review');
    await userEvent.click(await screen.findByRole('button', { name: '3' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('this review item is not due until 2026-11-28T10:00:00Z');
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(
      await screen.findByRole('heading', { level: 2, name: 'Which keyword declares a constant in Rust?' }),
    ).toBeTruthy();
  });
});
