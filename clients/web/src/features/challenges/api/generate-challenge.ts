import type { Challenge } from '@challenger/sdk';
import { generateChallengeMutation, getChallengeQueryKey, getQuotaQueryKey } from '@challenger/sdk/react-query';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { invalidateAfterChange } from '@/lib/invalidate';

/** Generates a challenge (one quota unit); the new one is cached for its page. */
export function useGenerateChallenge({ onSuccess }: { onSuccess?: (challenge: Challenge) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    ...generateChallengeMutation(),
    onSuccess: (challenge) => {
      queryClient.setQueryData(getChallengeQueryKey({ path: { id: challenge.id } }), challenge);
      void invalidateAfterChange(queryClient);
      onSuccess?.(challenge);
    },
    // A 429 means the quota shown is out of date; a 5xx spent nothing, but reloading is cheap.
    onError: () => void queryClient.invalidateQueries({ queryKey: getQuotaQueryKey() }),
  });
}
