import type { Difficulty, Outcome } from '@challenger/sdk';
import { DIFFICULTIES, DIFFICULTY_LABELS, OUTCOMES } from '@/lib/format';
import type { HistoryFilter } from '../api/get-history';

const OUTCOME_LABELS: Record<Outcome, string> = { unanswered: 'Unanswered', correct: 'Correct', wrong: 'Wrong' };

interface Props {
  filter: HistoryFilter;
  onChange: (filter: HistoryFilter) => void;
  /** Hide the outcome select (the review list is always "wrong"). */
  outcome?: boolean;
}

export function HistoryFilters({ filter, onChange, outcome = true }: Props) {
  return (
    <div className="filters" role="group" aria-label="Filters">
      <div className="field">
        <label htmlFor="filter-difficulty">Difficulty</label>
        <select
          id="filter-difficulty"
          value={filter.difficulty ?? ''}
          onChange={(e) => onChange({ ...filter, difficulty: (e.target.value || undefined) as Difficulty | undefined })}
        >
          <option value="">All difficulties</option>
          {DIFFICULTIES.map((d) => (
            <option key={d} value={d}>
              {DIFFICULTY_LABELS[d]}
            </option>
          ))}
        </select>
      </div>
      {outcome && (
        <div className="field">
          <label htmlFor="filter-outcome">Outcome</label>
          <select
            id="filter-outcome"
            value={filter.outcome ?? ''}
            onChange={(e) => onChange({ ...filter, outcome: (e.target.value || undefined) as Outcome | undefined })}
          >
            <option value="">All outcomes</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {OUTCOME_LABELS[o]}
              </option>
            ))}
          </select>
        </div>
      )}
    </div>
  );
}
