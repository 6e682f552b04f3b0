import { getQuotaOptions } from '@challenger/sdk/react-query';
import { useQuery } from '@tanstack/react-query';

export function useQuota() {
  return useQuery(getQuotaOptions());
}
