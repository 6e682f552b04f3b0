import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { devSignedIn, devToken, fakeServer, json } from '@/testing/fake-server';
import { renderApp } from '@/testing/render';
import { AppErrorBoundary } from './error-boundary';

function Broken(): never {
  throw new Error('options is not iterable');
}

describe('the root error boundary', () => {
  afterEach(() => vi.restoreAllMocks());

  it('shows what failed and ways on, instead of a blank page', () => {
    // React reports the caught error on the console; keep the test output clean.
    vi.spyOn(console, 'error').mockImplementation(() => {});
    render(
      <AppErrorBoundary>
        <Broken />
      </AppErrorBoundary>,
    );
    expect(screen.getByRole('heading', { level: 1, name: 'Something went wrong' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('options is not iterable');
    expect(screen.getByRole('button', { name: 'Reload the page' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Go to practice' }).getAttribute('href')).toBe('/');
  });

  it('catches a screen that fails to render, and keeps the rest of the page from going blank', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    // A history page with a hole in it: the list cannot render a missing challenge.
    fakeServer({ 'GET /api/my-history': () => json({ challenges: [null], next_before: null }) });
    devSignedIn(devToken('broken'));
    renderApp('/history');
    expect(await screen.findByRole('heading', { level: 1, name: 'Something went wrong' })).toBeTruthy();
  });
});
