import type { Challenge, Difficulty } from '@challenger/sdk';
import { DIFFICULTY_LABELS } from '@/lib/format';

export function DifficultyBadge({ difficulty }: { difficulty: Difficulty }) {
  return <span className={`badge difficulty-${difficulty}`}>{DIFFICULTY_LABELS[difficulty]}</span>;
}

/** "Correct", "Wrong" or "Unanswered", with a symbol so it is not told by colour alone. */
export function OutcomeBadge({ answer }: { answer: Challenge['answer'] }) {
  const [kind, symbol, label] = !answer
    ? ['unanswered', '○', 'Unanswered']
    : answer.correct
      ? ['correct', '✓', 'Correct']
      : ['wrong', '✗', 'Wrong'];
  return (
    <span className={`badge outcome-${kind}`}>
      <span aria-hidden="true">{symbol}</span> {label}
    </span>
  );
}
