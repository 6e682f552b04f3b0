import { LETTERS } from '@/lib/format';
import { InlineCode } from './rich-text';

/** The four options as buttons; each button's name is its option (the letter is for the eye). */
export function OptionButtons({
  options,
  disabled,
  onChoose,
}: {
  options: readonly string[];
  disabled: boolean;
  onChoose: (index: number) => void;
}) {
  return (
    <div className="options-group" role="group" aria-labelledby="options-label">
      <p className="options-label" id="options-label">
        Choose your answer
      </p>
      <ol className="options">
        {options.map((option, i) => (
          <li key={i}>
            <button type="button" className="option" disabled={disabled} onClick={() => onChoose(i)}>
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
  );
}

/** The options once answered: the right one and the chosen one marked, in words and colour. */
export function MarkedOptions({
  options,
  correctId,
  selectedId,
}: {
  options: readonly string[];
  correctId: number;
  selectedId: number;
}) {
  return (
    <ol className="options answered" aria-label="Answer options">
      {options.map((option, i) => {
        const correct = i === correctId;
        const chosen = i === selectedId;
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

/** "You chose B: x. The correct answer is C: y." (the second sentence only when wrong). */
export function Verdict({
  options,
  correctId,
  selectedId,
}: {
  options: readonly string[];
  correctId: number;
  selectedId: number;
}) {
  return (
    <>
      You chose {LETTERS[selectedId]}: <InlineCode text={options[selectedId]} />.
      {selectedId !== correctId && (
        <>
          {' '}
          The correct answer is {LETTERS[correctId]}: <InlineCode text={options[correctId]} />.
        </>
      )}
    </>
  );
}

/** What a screen reader announces once an answer is recorded. */
export function announcement(options: readonly string[], correctId: number, correct: boolean): string {
  return correct
    ? 'Correct!'
    : `Wrong answer. The correct answer is ${LETTERS[correctId]}: ${options[correctId].replace(/`/g, '')}.`;
}
