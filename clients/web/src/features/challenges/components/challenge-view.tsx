import type { Challenge } from '@challenger/sdk';
import { useEffect, useRef } from 'react';
import { ErrorState } from '@/components/ui/status';
import { ReviewBadge, ReviewStatus } from '@/features/review/components/review-state';
import { formatDateTime } from '@/lib/format';
import { useAnswerChallenge } from '../api/answer-challenge';
import { announcement, MarkedOptions, OptionButtons, Verdict } from './options';
import { ChallengeQuestion } from './question';
import { Paragraphs } from './rich-text';

/**
 * One challenge: the question and its code, the four options as buttons until it is answered,
 * then the options marked right and wrong (in words too, not by colour alone), the explanation
 * and, for a mistake, where its review stands.
 */
export function ChallengeView({ challenge }: { challenge: Challenge }) {
  const answer = challenge.answer ?? null;
  const answering = useAnswerChallenge(challenge.id);
  const resultRef = useRef<HTMLElement>(null);

  // Answered just now: move focus to the verdict, so keyboard and screen reader users get it next.
  const answered = answer !== null;
  useEffect(() => {
    if (answering.isSuccess && answered) resultRef.current?.focus();
  }, [answering.isSuccess, answered]);

  return (
    <article className="card challenge" aria-labelledby="challenge-question">
      <ChallengeQuestion
        challenge={challenge}
        badges={challenge.reviews && <ReviewBadge reviews={challenge.reviews} />}
      />

      {answer ? (
        <MarkedOptions
          options={challenge.options}
          correctId={challenge.correct_answer_id}
          selectedId={answer.selected_answer_id}
        />
      ) : (
        <OptionButtons
          options={challenge.options}
          disabled={answering.isPending}
          onChoose={(i) => answering.mutate({ path: { id: challenge.id }, body: { answer_id: i } })}
        />
      )}

      {answering.isError && (
        <ErrorState error={answering.error} onRetry={() => answering.mutate(answering.variables)} />
      )}

      <p className="visually-hidden" aria-live="polite">
        {answering.isSuccess && answer && announcement(challenge.options, challenge.correct_answer_id, answer.correct)}
      </p>
      {answer && (
        <section
          ref={resultRef}
          tabIndex={-1}
          className={`result ${answer.correct ? 'correct' : 'wrong'}`}
          aria-labelledby="result-heading"
        >
          <h2 id="result-heading">
            <span aria-hidden="true">{answer.correct ? '✓ ' : '✗ '}</span>
            {answer.correct ? 'Correct!' : 'Wrong answer'}
          </h2>
          <p className="verdict">
            <Verdict
              options={challenge.options}
              correctId={challenge.correct_answer_id}
              selectedId={answer.selected_answer_id}
            />{' '}
            <span className="answered-at">Answered {formatDateTime(answer.answered_at)}.</span>
          </p>
          <h3>Explanation</h3>
          <div className="explanation">
            <Paragraphs text={challenge.explanation} />
          </div>
        </section>
      )}
      {challenge.reviews && <ReviewStatus reviews={challenge.reviews} />}
    </article>
  );
}
