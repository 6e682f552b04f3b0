import {
  getChallengeQueryKey,
  getMyHistoryQueryKey,
  getQuotaQueryKey,
  getStatsQueryKey,
  listReviewsQueryKey,
} from '@challenger/sdk/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { appConfigOptions } from './app-config';

/**
 * After a challenge was generated or answered: the quota, every history page and filter
 * (the key without a query is a prefix of all of them, the infinite ones included), the stats
 * and the review queue (a wrong first answer makes a review item) are out of date.
 */
export function invalidateAfterChange(queryClient: QueryClient): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: getQuotaQueryKey() }),
    ...invalidateLearning(queryClient),
  ]).then(() => undefined);
}

/**
 * After a review of challenge `id`: the review queue and its due count, the stats (`review_due`),
 * the history rows and that challenge (their `reviews`). The quota is not touched by a review.
 */
export function invalidateAfterReview(queryClient: QueryClient, id: number): Promise<void> {
  return Promise.all([
    ...invalidateLearning(queryClient),
    queryClient.invalidateQueries({ queryKey: getChallengeQueryKey({ path: { id } }) }),
  ]).then(() => undefined);
}

function invalidateLearning(queryClient: QueryClient): Promise<void>[] {
  return [
    queryClient.invalidateQueries({ queryKey: getMyHistoryQueryKey() }),
    queryClient.invalidateQueries({ queryKey: getStatsQueryKey() }),
    queryClient.invalidateQueries({ queryKey: listReviewsQueryKey() }),
  ];
}

/**
 * Signed out: nothing of that user's data stays for the next one. The server's settings
 * (how to sign in) are not the user's and stay.
 */
export function forgetUserData(queryClient: QueryClient): void {
  const [appConfig] = appConfigOptions().queryKey;
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== appConfig });
  queryClient.getMutationCache().clear();
}
