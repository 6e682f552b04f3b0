import type { Outcome } from '@challenger/sdk';
import { Link, useSearchParams } from 'wouter';
import { EmptyState } from '@/components/ui/status';
import type { HistoryFilter } from '@/features/history/api/get-history';
import { HistoryFilters, OUTCOMES } from '@/features/history/components/history-filters';
import { HistoryResults } from '@/features/history/components/history-results';
import { isDifficulty } from '@/lib/format';
import { PageHeader } from '../layout';

/** The filter in the URL (`?difficulty=hard&outcome=wrong`), so a reload or a shared link keeps it. */
export function useFilterParams(): [HistoryFilter, (filter: HistoryFilter) => void] {
  const [params, setParams] = useSearchParams();
  const difficulty = params.get('difficulty');
  const outcome = params.get('outcome');
  const filter: HistoryFilter = {
    difficulty: isDifficulty(difficulty) ? difficulty : undefined,
    outcome: OUTCOMES.includes(outcome as Outcome) ? (outcome as Outcome) : undefined,
  };
  const setFilter = (next: HistoryFilter) => {
    const search = new URLSearchParams();
    if (next.difficulty) search.set('difficulty', next.difficulty);
    if (next.outcome) search.set('outcome', next.outcome);
    setParams(search, { replace: true });
  };
  return [filter, setFilter];
}

export function HistoryRoute() {
  const [filter, setFilter] = useFilterParams();
  const filtered = filter.difficulty !== undefined || filter.outcome !== undefined;
  return (
    <>
      <title>History · Challenger</title>
      <PageHeader
        title="History"
        actions={
          <Link href="/review" className="button secondary">
            Review mistakes
          </Link>
        }
      >
        Every challenge you generated, newest first. Open one to see it again with your answer.
      </PageHeader>
      <section className="card" aria-label="Your challenges">
        <HistoryFilters filter={filter} onChange={setFilter} />
        <HistoryResults
          filter={filter}
          from="history"
          empty={
            filtered ? (
              <EmptyState title="No challenges match these filters">
                <button type="button" className="button secondary" onClick={() => setFilter({})}>
                  Clear filters
                </button>
              </EmptyState>
            ) : (
              <EmptyState title="No challenges yet">
                <p>
                  <Link href="/">Generate your first challenge</Link>.
                </p>
              </EmptyState>
            )
          }
        />
      </section>
    </>
  );
}
