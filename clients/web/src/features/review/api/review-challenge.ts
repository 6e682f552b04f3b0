import { listReviewsQueryKey, reviewChallengeMutation } from '@challenger/sdk/react-query';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { invalidateAfterReview } from '@/lib/invalidate';

/** Records a review of a due item; the queue, its count, the stats and the item's `reviews` go stale. */
export function useReviewChallenge() {
  const queryClient = useQueryClient();
  return useMutation({
    ...reviewChallengeMutation(),
    onSuccess: (_result, { path }) => void invalidateAfterReview(queryClient, path.id),
    // Refused (not due, retired, not a review item): the queue shown is out of date.
    onError: () => void queryClient.invalidateQueries({ queryKey: listReviewsQueryKey() }),
  });
}
