import type { ReviewItem, ReviewResult } from '@challenger/sdk';
import { useEffect, useRef } from 'react';
import { ErrorState } from '@/components/ui/status';
import { announcement, MarkedOptions, OptionButtons, Verdict } from '@/features/challenges/components/options';
import { ChallengeQuestion } from '@/features/challenges/components/question';
import { Paragraphs } from '@/features/challenges/components/rich-text';
import { isApiError } from '@/lib/api-client';
import { formatDateTime, formatWait } from '@/lib/format';
import { useReviewChallenge } from '../api/review-challenge';

interface Props {
  item: ReviewItem;
  /** Move focus to the question once shown ("Next" was pressed). */
  focusOnMount: boolean;
  onReviewed: (result: ReviewResult) => void;
  /** The answer was not recorded: keep this item on screen with the reason. */
  onFailed: () => void;
  onNext: () => void;
  /** The server refused it (no longer due, retired, gone): leave it for now. */
  onSkip: () => void;
}

const ORDINALS = ['First', 'Second', 'Third', 'Fourth', 'Fifth'];

/** "First review", "Third review · last one wrong". */
function attemptLabel(item: ReviewItem): string {
  const { count, last_correct } = item.reviews;
  const name = `${ORDINALS[count] ?? `${count + 1}th`} review`;
  return last_correct == null ? name : `${name} · last one ${last_correct ? 'right' : 'wrong'}`;
}

/**
 * One due item as a fresh attempt: the question and its options; once answered, the options
 * marked, the explanation, when it comes back (or that it retired), and "Next".
 */
export function ReviewCard({ item, focusOnMount, onReviewed, onFailed, onNext, onSkip }: Props) {
  const review = useReviewChallenge();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const resultRef = useRef<HTMLElement>(null);
  const result = review.data;

  useEffect(() => {
    if (focusOnMount) headingRef.current?.focus();
  }, [focusOnMount]);
  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  const callbacks = { onSuccess: onReviewed, onError: onFailed };
  const choose = (answerId: number) =>
    review.mutate({ path: { id: item.id }, body: { answer_id: answerId } }, callbacks);
  // Not due any more, retired, or gone (another tab reviewed it): nothing to retry, move on.
  const final = isApiError(review.error) && (review.error.status === 409 || review.error.notFound);

  return (
    <article className="card challenge review-card" aria-labelledby="challenge-question">
      <ChallengeQuestion
        challenge={item}
        level={2}
        headingRef={headingRef}
        badges={
          <span className="badge review-due">
            <span aria-hidden="true">↻</span> {attemptLabel(item)}
          </span>
        }
      />
      {result ? (
        <MarkedOptions
          options={item.options}
          correctId={result.correct_answer_id}
          selectedId={result.selected_answer_id}
        />
      ) : (
        <OptionButtons options={item.options} disabled={review.isPending} onChoose={choose} />
      )}
      {review.isError && (
        <>
          <ErrorState
            error={review.error}
            title="Your answer was not recorded"
            onRetry={() => review.mutate(review.variables, callbacks)}
          />
          {final && (
            <div className="next-steps">
              <button type="button" className="button primary" onClick={onSkip}>
                Next
              </button>
            </div>
          )}
        </>
      )}

      <p className="visually-hidden" aria-live="polite">
        {result && announcement(item.options, result.correct_answer_id, result.correct)}
      </p>
      {result && (
        <section
          ref={resultRef}
          tabIndex={-1}
          className={`result ${result.correct ? 'correct' : 'wrong'}`}
          aria-labelledby="result-heading"
        >
          <h2 id="result-heading">
            <span aria-hidden="true">{result.correct ? '✓ ' : '✗ '}</span>
            {result.correct ? 'Correct!' : 'Wrong answer'}
          </h2>
          <p className="verdict">
            <Verdict
              options={item.options}
              correctId={result.correct_answer_id}
              selectedId={result.selected_answer_id}
            />
          </p>
          <p className="schedule">
            {result.retired || !result.next_due_at ? (
              <>
                <strong>Learnt.</strong> Right three reviews in a row: it retires and will not come back.
              </>
            ) : (
              <>
                <strong>Comes back {formatDateTime(result.next_due_at)}</strong> ({formatWait(result.next_due_at)}).
              </>
            )}
          </p>
          <h3>Explanation</h3>
          <div className="explanation">
            <Paragraphs text={result.explanation} />
          </div>
          <div className="next-steps">
            <button type="button" className="button primary" onClick={onNext}>
              Next
            </button>
          </div>
        </section>
      )}
    </article>
  );
}
