import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { devSignedIn, devToken, fakeServer, json, stats } from '@/testing/fake-server';
import { renderApp } from '@/testing/render';

describe('progress', () => {
  it('shows accuracy overall and per difficulty, as bars and as a table', async () => {
    fakeServer();
    devSignedIn(devToken('progress'));
    renderApp('/progress');
    const table = await screen.findByRole('table');
    expect(within(table).getByRole('row', { name: /^Total 6 4 3 75%$/ })).toBeTruthy();
    expect(within(table).getByRole('row', { name: /^Easy 2 2 1 50%$/ })).toBeTruthy();
    expect(within(table).getByRole('row', { name: /^Hard 2 0 0 –$/ })).toBeTruthy();

    const tiles = screen.getAllByRole('term').map((term) => `${term.textContent}: ${term.nextElementSibling?.textContent}`);
    expect(tiles).toEqual(['Accuracy: 75%', 'Answered: 4 of 6', 'Correct: 3', 'Mistakes: 1Review']);
    const chart = screen.getByRole('region', { name: 'Accuracy by difficulty' });
    const bars = within(chart).getAllByRole('listitem');
    expect(bars.map((b) => b.textContent)).toEqual([
      'Easy50% 1 of 2 correct',
      'Medium50% 1 of 2 correct',
      'Hard– none answered yet',
    ]);
    expect(within(screen.getByText('Mistakes').parentElement!).getByRole('link', { name: 'Review' })).toBeTruthy();
  });

  it('has an empty state before the first challenge', async () => {
    const none = { total_generated: 0, total_answered: 0, total_correct: 0, accuracy: null };
    fakeServer({ 'GET /api/stats': () => json({ ...none, by_difficulty: { easy: none, medium: none, hard: none } }) });
    devSignedIn(devToken('empty'));
    renderApp('/progress');
    expect(await screen.findByText('No progress yet')).toBeTruthy();
    expect(stats.total_generated).toBe(6);
  });
});
