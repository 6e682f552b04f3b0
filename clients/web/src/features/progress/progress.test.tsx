import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { devSignedIn, devToken, fakeServer, json, stats } from '@/testing/fake-server';
import { renderApp } from '@/testing/render';

describe('progress', () => {
  it('shows accuracy overall and per difficulty, with a bar per difficulty', async () => {
    fakeServer();
    devSignedIn(devToken('progress'));
    renderApp('/progress');
    await screen.findByRole('heading', { name: 'Accuracy by difficulty' });

    const tiles = screen
      .getAllByRole('term')
      .map((term) => `${term.textContent}: ${term.nextElementSibling?.textContent}`);
    expect(tiles).toEqual([
      'Accuracy: 75%',
      'Answered: 4 of 6',
      'Correct: 3',
      'Mistakes: 1See them',
      'Streak: 1 day',
      'Due for review: 1Review now',
    ]);
    const chart = screen.getByRole('region', { name: 'Accuracy by difficulty' });
    const bars = within(chart).getAllByRole('listitem');
    expect(bars.map((b) => b.textContent)).toEqual([
      'Easy50% 1 of 2 correct · 2 generated',
      'Medium50% 1 of 2 correct · 2 generated',
      'Hard– none answered yet · 2 generated',
    ]);
    expect(screen.getByRole('link', { name: 'See them' }).getAttribute('href')).toBe('/history?outcome=wrong');
    expect(screen.getByRole('link', { name: 'Review now' }).getAttribute('href')).toBe('/review');
  });

  it('lists languages weakest first, each with a link to practise it', async () => {
    fakeServer();
    devSignedIn(devToken('languages'));
    renderApp('/progress');
    const chart = await screen.findByRole('region', { name: 'Accuracy by language' });
    const rows = within(chart).getAllByRole('listitem');
    expect(rows.map((r) => r.textContent)).toEqual([
      'Rust50% 1 of 2 correct · 2 generatedPractise Rust',
      'Python100% 2 of 2 correct · 2 generatedPractise Python',
      'General– none answered yet · 2 generated',
    ]);
    // `general` has no language to practise.
    expect(within(rows[2]).queryByRole('link')).toBeNull();

    await userEvent.click(within(rows[0]).getByRole('link', { name: 'Practise Rust' }));
    expect(window.location.pathname + window.location.search).toBe('/?topic=rust');
    expect((await screen.findByLabelText<HTMLInputElement>('Topic (optional)')).value).toBe('rust');
    expect(screen.getByRole('button', { name: 'Rust' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('shows the 30 days of activity as a chart, in words and as a table', async () => {
    fakeServer();
    devSignedIn(devToken('activity'));
    renderApp('/progress');
    const section = await screen.findByRole('region', { name: 'Activity, last 30 days' });
    expect(within(section).getByText(/^Today:/).textContent).toBe(
      'Today: 4 answered, 3 correct. 4 answered on 1 of the last 30 days.',
    );
    const table = within(section).getByRole('table', { name: /Answers per day/ });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(31);
    expect(rows[1].textContent).toBe('Today, Nov 2743');
    expect(rows[2].textContent).toBe('Nov 2600');
    expect(section.querySelectorAll('.activity-chart .day')).toHaveLength(30);
    expect(section.querySelectorAll('.day-bar')).toHaveLength(1);
  });

  it('has an empty state before the first challenge', async () => {
    const none = { total_generated: 0, total_answered: 0, total_correct: 0, accuracy: null };
    fakeServer({
      'GET /api/stats': () =>
        json({ ...stats, ...none, by_difficulty: { easy: none, medium: none, hard: none }, by_language: {} }),
    });
    devSignedIn(devToken('empty'));
    renderApp('/progress');
    expect(await screen.findByText('No progress yet')).toBeTruthy();
    expect(stats.total_generated).toBe(6);
  });
});
