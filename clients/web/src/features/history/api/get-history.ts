import type { Difficulty, Outcome } from '@challenger/sdk';
import { getMyHistoryInfiniteOptions } from '@challenger/sdk/react-query';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';

export interface HistoryFilter {
  difficulty?: Difficulty;
  outcome?: Outcome;
}

export const PAGE_SIZE = 10;

/** The caller's challenges, newest first, a page at a time ("Load more" passes `next_before`). */
export function useHistory({ difficulty, outcome }: HistoryFilter, limit = PAGE_SIZE) {
  return useInfiniteQuery({
    ...getMyHistoryInfiniteOptions({ query: { limit, difficulty, outcome } }),
    initialPageParam: {},
    getNextPageParam: (page) => page.next_before ?? undefined,
    // While another filter loads, the list stays (dimmed) instead of flashing to "Loading…".
    placeholderData: keepPreviousData,
  });
}
