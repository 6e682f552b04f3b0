import { getMyHistoryQueryKey, getQuotaQueryKey, getStatsQueryKey } from '@challenger/sdk/react-query';
import type { QueryClient } from '@tanstack/react-query';

/**
 * After a challenge was generated or answered: the quota, every history page and filter
 * (the key without a query is a prefix of all of them, the infinite ones included) and the
 * stats are out of date.
 */
export function invalidateAfterChange(queryClient: QueryClient): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: getQuotaQueryKey() }),
    queryClient.invalidateQueries({ queryKey: getMyHistoryQueryKey() }),
    queryClient.invalidateQueries({ queryKey: getStatsQueryKey() }),
  ]).then(() => undefined);
}
