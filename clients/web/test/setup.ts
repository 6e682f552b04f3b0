import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// The real @clerk/react loads clerk-js from Clerk's servers; tests must stay offline.
vi.mock('@clerk/react', () => import('./clerkMock'));

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});
