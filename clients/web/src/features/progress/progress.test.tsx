import { screen, within } from '@testing-library/react';
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
    expect(tiles).toEqual(['Accuracy: 75%', 'Answered: 4 of 6', 'Correct: 3', 'Mistakes: 1Review']);
    const chart = screen.getByRole('region', { name: 'Accuracy by difficulty' });
    const bars = within(chart).getAllByRole('listitem');
    expect(bars.map((b) => b.textContent)).toEqual([
      'Easy50% 1 of 2 correct · 2 generated',
      'Medium50% 1 of 2 correct · 2 generated',
      'Hard– none answered yet · 2 generated',
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
