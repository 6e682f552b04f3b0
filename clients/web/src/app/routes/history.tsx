import { Link, useSearchParams } from 'wouter';
import { EmptyState } from '@/components/ui/status';
import type { HistoryFilter } from '@/features/history/api/get-history';
import { HistoryFilters } from '@/features/history/components/history-filters';
import { HistoryResults } from '@/features/history/components/history-results';
import { isDifficulty, isOutcome } from '@/lib/format';
import { paths } from '@/lib/paths';
import { PageHeader } from '../layout';

/** The filter in the URL (`?difficulty=hard&outcome=wrong`), so a reload or a shared link keeps it. */
export function useFilterParams(): [HistoryFilter, (filter: HistoryFilter) => void] {
  const [params, setParams] = useSearchParams();
  const difficulty = params.get('difficulty');
  const outcome = params.get('outcome');
  const filter: HistoryFilter = {
    difficulty: isDifficulty(difficulty) ? difficulty : undefined,
    outcome: isOutcome(outcome) ? outcome : undefined,
  };
  const setFilter = (next: HistoryFilter) => {
    setParams(paths.history.query(next), { replace: true });
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
          <Link href={paths.review.href()} className="button secondary">
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
                  <Link href={paths.practice.href()}>Generate your first challenge</Link>.
                </p>
              </EmptyState>
            )
          }
        />
      </section>
    </>
  );
}
