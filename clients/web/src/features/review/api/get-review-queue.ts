import { listReviewsOptions } from '@challenger/sdk/react-query';
import { useQuery } from '@tanstack/react-query';

/** How many due items are fetched at a time; the Review screen refetches as they are done. */
export const REVIEW_BATCH = 20;

/**
 * The caller's due review items, the longest due first, and how many are due in all. The
 * navigation's count and the Review screen share this one query.
 */
export function useReviewQueue() {
  return useQuery({
    ...listReviewsOptions({ query: { limit: REVIEW_BATCH } }),
    // Items fall due as time passes, without anything the app does.
    refetchInterval: 60_000,
  });
}
