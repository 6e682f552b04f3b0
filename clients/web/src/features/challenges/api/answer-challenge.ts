import type { Challenge } from '@challenger/sdk';
import { answerChallengeMutation, getChallengeQueryKey } from '@challenger/sdk/react-query';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { invalidateAfterChange } from '@/lib/invalidate';

/** Answers challenge `id`; its cached copy gets the recorded answer at once. */
export function useAnswerChallenge(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    ...answerChallengeMutation(),
    onSuccess: (result) => {
      queryClient.setQueryData<Challenge>(getChallengeQueryKey({ path: { id } }), (challenge) =>
        challenge
          ? {
              ...challenge,
              answer: {
                selected_answer_id: result.selected_answer_id,
                correct: result.correct,
                answered_at: result.answered_at,
              },
              // A wrong first answer makes it a review item, due at once (as the server has it).
              reviews: result.correct
                ? challenge.reviews
                : { count: 0, last_correct: null, next_due_at: result.answered_at, retired: false },
            }
          : challenge,
      );
      void invalidateAfterChange(queryClient);
    },
  });
}
