import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Root } from '../src/Root';
import { challenge, devSignedIn, fakeServer, json } from './fakeServer';

describe('development sign-in', () => {
  it('gets a token from createDevToken, then shows the app and sends that token', async () => {
    const server = fakeServer({ 'POST /api/dev/token': () => json({ token: 'fresh-dev-token' }) });
    render(<Root />);

    const userId = screen.getByLabelText('User id');
    await userEvent.clear(userId);
    await userEvent.type(userId, 'user_alice');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText(/4 of 5/)).toBeTruthy();
    expect(await server.to('POST', '/api/dev/token')[0].json()).toEqual({ user_id: 'user_alice' });
    expect(server.to('GET', '/api/quota')[0].headers.get('Authorization')).toBe('Bearer fresh-dev-token');
    expect(screen.getByText('user_alice')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(sessionStorage.length).toBe(0);
  });

  it('shows the server detail when the dev issuer is disabled', async () => {
    fakeServer({ 'POST /api/dev/token': () => json({ detail: 'the development issuer is disabled' }, 404) });
    render(<Root />);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('the development issuer is disabled');
  });
});

describe('challenges', () => {
  it('generates a challenge with the chosen difficulty and topic and shows it', async () => {
    let release = () => {};
    const server = fakeServer({
      'POST /api/generate-challenge': () =>
        new Promise((resolve) => {
          release = () => resolve(json(challenge({ difficulty: 'hard' })));
        }),
    });
    devSignedIn();
    render(<Root />);

    await userEvent.selectOptions(screen.getByLabelText('Difficulty'), 'hard');
    await userEvent.type(screen.getByLabelText('Topic (optional)'), ' python ');
    await userEvent.click(screen.getByRole('button', { name: 'Generate' }));

    const waiting = await screen.findByRole('button', { name: 'Generating…' });
    expect((waiting as HTMLButtonElement).disabled).toBe(true);
    release();

    const card = await screen.findByRole('region', { name: /Challenge/ });
    expect(await server.to('POST', '/api/generate-challenge')[0].json()).toEqual({ difficulty: 'hard', topic: 'python' });
    expect(card.querySelector('pre')?.textContent).toBe('xs = [1, 2]\nprint(`len`(xs))');
    expect(within(card).getAllByRole('button')).toHaveLength(4);
    expect(screen.getByRole('button', { name: 'Generate' })).toBeTruthy();
  });

  it('answers: shows incorrect, highlights the right option and explains', async () => {
    const server = fakeServer({
      'POST /api/generate-challenge': () => json(challenge()),
      'POST /api/challenges/7/answer': () =>
        json({
          correct: false,
          selected_answer_id: 2,
          correct_answer_id: 1,
          explanation: '`len` counts the items: 2.',
          answered_at: '2026-11-27T10:01:00Z',
        }),
    });
    devSignedIn();
    render(<Root />);
    await userEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await userEvent.click(await screen.findByRole('button', { name: /^C/ }));

    expect(await screen.findByText('Incorrect.')).toBeTruthy();
    expect(screen.getByText('The answer is B.', { exact: false })).toBeTruthy();
    expect(screen.getByText('counts the items: 2.', { exact: false })).toBeTruthy();
    expect(await server.to('POST', '/api/challenges/7/answer')[0].json()).toEqual({ answer_id: 2 });

    const right = screen.getByRole('button', { name: /^B.*\(correct answer\)$/ }) as HTMLButtonElement;
    expect(right.className).toContain('correct');
    expect(right.disabled).toBe(true);
    expect(screen.getByRole('button', { name: /^C.*\(your answer\)$/ }).className).toContain('incorrect');
  });

  it('answers correctly', async () => {
    fakeServer({
      'POST /api/generate-challenge': () => json(challenge()),
      'POST /api/challenges/7/answer': () =>
        json({ correct: true, selected_answer_id: 1, correct_answer_id: 1, explanation: 'Two.', answered_at: '2026-11-27T10:01:00Z' }),
    });
    devSignedIn();
    render(<Root />);
    await userEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await userEvent.click(await screen.findByRole('button', { name: /^B/ }));
    expect(await screen.findByText('Correct!')).toBeTruthy();
    expect(screen.getByText('Two.')).toBeTruthy();
  });

  it('shows the 429 detail, which says when the quota refills', async () => {
    fakeServer({
      'POST /api/generate-challenge': () =>
        json({ detail: 'daily challenge quota used up; it refills in 1 h 30 min' }, 429, { 'Retry-After': '5400' }),
    });
    devSignedIn();
    render(<Root />);
    await userEvent.click(screen.getByRole('button', { name: 'Generate' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'daily challenge quota used up; it refills in 1 h 30 min',
    );
  });

  it('turns a network failure into a friendly message', async () => {
    fakeServer({
      'POST /api/generate-challenge': () => Promise.reject(new TypeError('Failed to fetch')),
    });
    devSignedIn();
    render(<Root />);
    await userEvent.click(screen.getByRole('button', { name: 'Generate' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Cannot reach the server at http:\/\/localhost:8000/);
  });
});

describe('history and stats', () => {
  it('loads more with next_before and filters by difficulty', async () => {
    const server = fakeServer({
      'GET /api/my-history': (_request, url) =>
        url.searchParams.get('before') === '5'
          ? json({ challenges: [challenge({ id: 4, title: 'Older one' })], next_before: null })
          : json({ challenges: [challenge({ id: 6, title: 'Newest one' })], next_before: 5 }),
    });
    devSignedIn();
    render(<Root />);

    expect(await screen.findByRole('button', { name: 'Newest one' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('button', { name: 'Older one' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Newest one' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();

    const pages = server.to('GET', '/api/my-history').map((r) => new URL(r.url).searchParams);
    expect(pages[0].get('before')).toBeNull();
    expect(pages[1].get('before')).toBe('5');

    await userEvent.selectOptions(screen.getByLabelText('Filter by difficulty'), 'medium');
    await screen.findByRole('button', { name: 'Load more' });
    expect(new URL(server.to('GET', '/api/my-history').at(-1)!.url).searchParams.get('difficulty')).toBe('medium');
  });

  it('shows totals and accuracy per difficulty', async () => {
    fakeServer();
    devSignedIn();
    render(<Root />);
    const table = await screen.findByRole('table');
    expect(within(table).getByRole('row', { name: /^total 6 4 3 75%$/ })).toBeTruthy();
    expect(within(table).getByRole('row', { name: /^easy 2 2 1 50%$/ })).toBeTruthy();
    expect(within(table).getByRole('row', { name: /^hard 2 0 0 –$/ })).toBeTruthy();
  });
});
