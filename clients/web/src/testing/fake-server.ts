// A fetch stub that answers the SDK's requests like the challenger server would.
import type { Challenge, ChallengeHistory, Quota, ReviewItem, ReviewQueue, ReviewResult, Stats } from '@challenger/sdk';
import { vi } from 'vitest';

type Route = (request: Request, url: URL) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function challenge(overrides: Partial<Challenge> = {}): Challenge {
  return {
    id: 7,
    difficulty: 'medium',
    title: 'What does this Python code print?\n\nxs = [1, 2]\nprint(`len`(xs))',
    question: 'What does this Python code print?',
    code: 'xs = [1, 2]\nprint(`len`(xs))',
    language: 'python',
    verification: 'executed',
    options: ['1', '2', '3', 'an error'],
    correct_answer_id: 1,
    explanation: '`len` counts the items: 2.',
    topic: 'python',
    timestamp: '2026-11-27T10:00:00Z',
    answer: null,
    ...overrides,
  };
}

/** A due review item: the challenge without its answer key and explanation. */
export function reviewItem(overrides: Partial<ReviewItem> = {}): ReviewItem {
  const c = challenge();
  return {
    id: c.id,
    difficulty: c.difficulty,
    title: c.title,
    question: c.question,
    code: c.code,
    language: c.language,
    verification: c.verification,
    options: c.options,
    topic: c.topic,
    timestamp: c.timestamp,
    answer: { selected_answer_id: 0, correct: false, answered_at: '2026-11-27T10:01:00Z' },
    reviews: { count: 0, last_correct: null, next_due_at: '2026-11-27T10:01:00Z', retired: false },
    ...overrides,
  };
}

export function reviewQueue(items: ReviewItem[], dueCount = items.length): ReviewQueue {
  return { items, due_count: dueCount };
}

export function reviewResult(overrides: Partial<ReviewResult> = {}): ReviewResult {
  return {
    correct: false,
    selected_answer_id: 0,
    correct_answer_id: 1,
    explanation: '`len` counts the items: 2.',
    reviewed_at: '2026-11-27T11:00:00Z',
    next_due_at: '2026-11-27T11:01:00Z',
    retired: false,
    ...overrides,
  };
}

export const quota: Quota = {
  user_id: 'user_dev',
  quota_remaining: 4,
  daily_limit: 5,
  last_reset_date: '2026-11-27T08:00:00Z',
  next_reset_date: '2026-11-28T08:00:00Z',
};

const perDifficulty = { total_generated: 2, total_answered: 2, total_correct: 1, accuracy: 0.5 };
export const stats: Stats = {
  total_generated: 6,
  total_answered: 4,
  total_correct: 3,
  accuracy: 0.75,
  by_difficulty: {
    easy: perDifficulty,
    medium: perDifficulty,
    hard: { total_generated: 2, total_answered: 0, total_correct: 0, accuracy: null },
  },
  by_language: {
    python: { total_generated: 2, total_answered: 2, total_correct: 2, accuracy: 1 },
    rust: perDifficulty,
    general: { total_generated: 2, total_answered: 0, total_correct: 0, accuracy: null },
  },
  streak_days: 1,
  // Thirty days, oldest first, as the server sends them.
  activity: Array.from({ length: 30 }, (_, i) => ({
    date: new Date(Date.UTC(2026, 10, i - 2)).toISOString().slice(0, 10),
    answered: i === 29 ? 4 : 0,
    correct: i === 29 ? 3 : 0,
  })) as Stats['activity'],
  review_due: 1,
};

const emptyHistory: ChallengeHistory = { challenges: [], next_before: null };

/** Stubs global fetch; `routes` ("METHOD /path") override the defaults. Returns the requests seen. */
export function fakeServer(routes: Record<string, Route> = {}) {
  const all: Record<string, Route> = {
    'GET /app-config.json': () => json({ clerk_publishable_key: null, dev_issuer: true }),
    'GET /api/quota': () => json(quota),
    'GET /api/my-history': () => json(emptyHistory),
    'GET /api/stats': () => json(stats),
    'GET /api/review': () => json(reviewQueue([])),
    ...routes,
  };
  const requests: Request[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (request: Request) => {
      requests.push(request.clone());
      const url = new URL(request.url);
      const route = all[`${request.method} ${url.pathname}`] as Route | undefined;
      return route ? route(request, url) : json({ detail: `no route for ${url.pathname}` }, 404);
    }),
  );
  return {
    requests,
    to: (method: string, path: string) =>
      requests.filter((r) => r.method === method && new URL(r.url).pathname === path),
  };
}

/** A token shaped like the development issuer's (only `exp` is read by the app). */
export function devToken(name: string, expiresInSecs = 3600): string {
  const encode = (value: object) =>
    btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${encode({ alg: 'RS256' })}.${encode({ sub: 'user_dev', name, exp: Math.floor(Date.now() / 1000) + expiresInSecs })}.c2ln`;
}

/** Starts the test already signed in through the development issuer. */
export function devSignedIn(token = 'dev-token', userId = 'user_dev'): void {
  sessionStorage.setItem('challenger.devSession', JSON.stringify({ userId, token }));
}
