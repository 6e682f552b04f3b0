import type { Challenge, RecordedAnswer } from '@challenger/sdk';
import { useEffect, useRef } from 'react';
import { DifficultyBadge } from '@/components/ui/badges';
import { ErrorState } from '@/components/ui/status';
import { formatDateTime, LETTERS, splitCode, VERIFICATION_LABELS } from '@/lib/format';
import { useAnswerChallenge } from '../api/answer-challenge';
import { CodeBlock, InlineCode, Paragraphs } from './rich-text';

/**
 * One challenge: the question and its code, the four options as buttons until it is answered,
 * then the options marked right and wrong (in words too, not by colour alone) and the explanation.
 */
export function ChallengeView({ challenge }: { challenge: Challenge }) {
  const listing = challenge.code ? splitCode(challenge.code) : null;
  const checked = VERIFICATION_LABELS[challenge.verification];
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
      <div className="challenge-meta">
        <DifficultyBadge difficulty={challenge.difficulty} />
        {challenge.topic && <span className="badge topic">{challenge.topic}</span>}
        {checked && <span className="badge verification">{checked}</span>}
        <time dateTime={challenge.timestamp}>{formatDateTime(challenge.timestamp)}</time>
      </div>
      <h1 id="challenge-question" className="question">
        <InlineCode text={challenge.question} />
      </h1>
      {listing && <CodeBlock code={listing.code} language={challenge.language ?? null} />}
      {listing?.note && (
        <p className="question-note">
          <InlineCode text={listing.note} />
        </p>
      )}

      {answer ? (
        <AnsweredOptions challenge={challenge} answer={answer} />
      ) : (
        <div className="options-group" role="group" aria-labelledby="options-label">
          <p className="options-label" id="options-label">
            Choose your answer
          </p>
          <ol className="options">
            {challenge.options.map((option, i) => (
              <li key={i}>
                <button
                  type="button"
                  className="option"
                  disabled={answering.isPending}
                  onClick={() => answering.mutate({ path: { id: challenge.id }, body: { answer_id: i } })}
                >
                  {/* The letter is for the eye (the verdict names it); the button's name is the option. */}
                  <span className="letter" aria-hidden="true">
                    {LETTERS[i]}
                  </span>
                  <span className="option-text">
                    <InlineCode text={option} />
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </div>
      )}

      {answering.isError && (
        <ErrorState error={answering.error} onRetry={() => answering.mutate(answering.variables)} />
      )}

      <p className="visually-hidden" aria-live="polite">
        {answering.isSuccess &&
          answer &&
          (answer.correct
            ? 'Correct!'
            : `Wrong answer. The correct answer is ${LETTERS[challenge.correct_answer_id]}: ${challenge.options[challenge.correct_answer_id].replace(/`/g, '')}.`)}
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
            You chose {LETTERS[answer.selected_answer_id]}:{' '}
            <InlineCode text={challenge.options[answer.selected_answer_id]} />.
            {!answer.correct && (
              <>
                {' '}
                The correct answer is {LETTERS[challenge.correct_answer_id]}:{' '}
                <InlineCode text={challenge.options[challenge.correct_answer_id]} />.
              </>
            )}{' '}
            <span className="answered-at">Answered {formatDateTime(answer.answered_at)}.</span>
          </p>
          <h3>Explanation</h3>
          <div className="explanation">
            <Paragraphs text={challenge.explanation} />
          </div>
        </section>
      )}
    </article>
  );
}

function AnsweredOptions({ challenge, answer }: { challenge: Challenge; answer: RecordedAnswer }) {
  return (
    <ol className="options answered" aria-label="Answer options">
      {challenge.options.map((option, i) => {
        const correct = i === challenge.correct_answer_id;
        const chosen = i === answer.selected_answer_id;
        const state = correct ? 'correct' : chosen ? 'wrong' : 'other';
        return (
          <li key={i} className={`option ${state}`}>
            <span className="letter">{LETTERS[i]}</span>
            <span className="option-text">
              <InlineCode text={option} />
            </span>
            {(correct || chosen) && (
              <span className="option-tag">
                {correct && chosen && (
                  <>
                    <span aria-hidden="true">✓</span> Your answer, correct
                  </>
                )}
                {correct && !chosen && (
                  <>
                    <span aria-hidden="true">✓</span> Correct answer
                  </>
                )}
                {!correct && chosen && (
                  <>
                    <span aria-hidden="true">✗</span> Your answer
                  </>
                )}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
