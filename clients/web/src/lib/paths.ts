// Every client-side route of the app, and the links into it with their query: one module, so a
// link cannot point at a route that moved. The server answers each of these paths with
// index.html (a reload stays where it was).
import type { Difficulty, Outcome } from '@challenger/sdk';

/** Where a challenge was opened from: its page's "back" link goes there. */
export type ChallengeOrigin = 'practice' | 'history';

export interface HistoryQuery {
  difficulty?: Difficulty;
  outcome?: Outcome;
}

/** The query string's parameters, in the given order, without the unset ones. */
export function searchParams(query: Record<string, string | undefined>): URLSearchParams {
  return new URLSearchParams(
    Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function withQuery(path: string, query: Record<string, string | undefined>): string {
  const search = searchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

export const paths = {
  practice: {
    pattern: '/',
    /** `?difficulty=hard&topic=python`: the generate form starts with these. */
    href: ({ difficulty, topic }: { difficulty?: Difficulty; topic?: string } = {}) =>
      withQuery('/', { difficulty, topic }),
  },
  history: {
    pattern: '/history',
    /** `?difficulty=hard&outcome=wrong`, always in this order. */
    query: ({ difficulty, outcome }: HistoryQuery) => searchParams({ difficulty, outcome }),
    href: ({ difficulty, outcome }: HistoryQuery = {}) => withQuery('/history', { difficulty, outcome }),
  },
  review: { pattern: '/review', href: () => '/review' },
  progress: { pattern: '/progress', href: () => '/progress' },
  challenge: {
    pattern: '/challenges/:id',
    /** Whether `location` is a challenge's page. */
    matches: (location: string) => location.startsWith('/challenges/'),
    href: (id: number, from?: ChallengeOrigin) => withQuery(`/challenges/${id}`, { from }),
  },
} as const;
