import { answerChallenge, type AnswerResult, type Challenge } from '@challenger/sdk';
import { useState } from 'react';
import { errorMessage, unwrap } from '../api';
import { InlineCode, RichText } from './RichText';

const LETTERS = ['A', 'B', 'C', 'D'];

interface Props {
  challenge: Challenge;
  onAnswered: () => void;
}

export function ChallengeCard({ challenge, onAnswered }: Props) {
  const [result, setResult] = useState<AnswerResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function answer(answerId: number) {
    setBusy(true);
    setError(null);
    try {
      setResult(await unwrap(answerChallenge({ path: { id: challenge.id }, body: { answer_id: answerId } })));
      onAnswered();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  function optionClass(index: number): string {
    if (!result) return 'option';
    if (index === result.correct_answer_id) return 'option correct';
    return index === result.selected_answer_id ? 'option incorrect' : 'option';
  }

  return (
    <section className="card challenge" aria-labelledby="challenge-heading">
      <h2 id="challenge-heading">
        Challenge <span className={`badge ${challenge.difficulty}`}>{challenge.difficulty}</span>
        {challenge.topic && <span className="topic"> · {challenge.topic}</span>}
      </h2>
      <div className="challenge-title">
        <RichText text={challenge.title} />
      </div>
      <ol className="options">
        {challenge.options.map((option, i) => (
          <li key={i}>
            <button type="button" className={optionClass(i)} disabled={busy || result !== null} onClick={() => answer(i)}>
              <span className="letter">{LETTERS[i]}</span> <InlineCode text={option} />
              {result?.correct_answer_id === i && <span className="visually-hidden"> (correct answer)</span>}
              {result && result.selected_answer_id === i && <span className="visually-hidden"> (your answer)</span>}
            </button>
          </li>
        ))}
      </ol>
      <div aria-live="polite">
        {result && (
          <div className={result.correct ? 'result correct' : 'result incorrect'}>
            <p>
              <strong>{result.correct ? 'Correct!' : 'Incorrect.'}</strong>{' '}
              {!result.correct && `The answer is ${LETTERS[result.correct_answer_id]}.`}
            </p>
            <RichText text={result.explanation} />
          </div>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
