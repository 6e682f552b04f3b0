import { Link } from 'wouter';
import { EmptyState } from '@/components/ui/status';
import { HistoryFilters } from '@/features/history/components/history-filters';
import { HistoryResults } from '@/features/history/components/history-results';
import { paths } from '@/lib/paths';
import { PageHeader } from '../layout';
import { useFilterParams } from './history';

export function ReviewRoute() {
  const [filter, setFilter] = useFilterParams();
  return (
    <>
      <title>Review mistakes · Challenger</title>
      <PageHeader title="Review mistakes">
        The challenges you answered wrong, newest first. Open one to see the right answer and why.
      </PageHeader>
      <section className="card" aria-label="Your mistakes">
        <HistoryFilters
          filter={filter}
          onChange={(next) => setFilter({ difficulty: next.difficulty })}
          outcome={false}
        />
        <HistoryResults
          filter={{ difficulty: filter.difficulty, outcome: 'wrong' }}
          from="review"
          empty={
            <EmptyState title={filter.difficulty ? 'No mistakes at this difficulty' : 'No mistakes to review'}>
              <p>
                Nothing answered wrong{filter.difficulty ? ' here' : ' so far'}.{' '}
                <Link href={paths.practice.href()}>Try a harder challenge</Link>.
              </p>
            </EmptyState>
          }
        />
      </section>
    </>
  );
}
