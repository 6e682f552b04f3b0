import type { Challenge } from '@challenger/sdk';
import { getChallengeQueryKey, listReviewsQueryKey, reviewChallengeMutation } from '@challenger/sdk/react-query';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { invalidateAfterReview } from '@/lib/invalidate';

/**
 * Records a review of a due item. Its cached challenge gets the new review state at once; the
 * queue, its count, the stats and history go stale.
 */
export function useReviewChallenge() {
  const queryClient = useQueryClient();
  return useMutation({
    ...reviewChallengeMutation(),
    onSuccess: (result, { path: { id } }) => {
      queryClient.setQueryData<Challenge>(getChallengeQueryKey({ path: { id } }), (challenge) =>
        challenge
          ? {
              ...challenge,
              reviews: {
                count: (challenge.reviews?.count ?? 0) + 1,
                last_correct: result.correct,
                next_due_at: result.next_due_at ?? null,
                retired: result.retired,
              },
            }
          : challenge,
      );
      void invalidateAfterReview(queryClient, id);
    },
    // Refused (not due, retired, not a review item): the queue shown is out of date.
    onError: () => void queryClient.invalidateQueries({ queryKey: listReviewsQueryKey() }),
  });
}
