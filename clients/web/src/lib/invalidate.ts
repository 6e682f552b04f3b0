import { getMyHistoryQueryKey, getQuotaQueryKey, getStatsQueryKey } from '@challenger/sdk/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { appConfigOptions } from './app-config';

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

/**
 * Signed out: nothing of that user's data stays for the next one. The server's settings
 * (how to sign in) are not the user's and stay.
 */
export function forgetUserData(queryClient: QueryClient): void {
  const [appConfig] = appConfigOptions().queryKey;
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== appConfig });
  queryClient.getMutationCache().clear();
}
