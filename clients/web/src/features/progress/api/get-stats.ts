import { getStatsOptions } from '@challenger/sdk/react-query';
import { useQuery } from '@tanstack/react-query';

export function useStats() {
  return useQuery(getStatsOptions());
}
