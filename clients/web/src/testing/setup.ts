import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// The real @clerk/react loads clerk-js from Clerk's servers; tests must stay offline.
vi.mock('@clerk/react', () => import('./clerk-mock'));

// findBy… waits up to 5 s: a loaded machine can take more than the default 1 s to render.
configure({ asyncUtilTimeout: 5_000 });

// jsdom has no layout: scrolling is a no-op (it would log "Not implemented").
window.scrollTo = () => undefined;

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});
