import { Link, useSearchParams } from 'wouter';
import { EmptyState } from '@/components/ui/status';
import { GeneratorForm } from '@/features/challenges/components/generator-form';
import { HistoryResults } from '@/features/history/components/history-results';
import { isDifficulty } from '@/lib/format';
import { paths } from '@/lib/paths';
import { PageHeader } from '../layout';

export function PracticeRoute() {
  const [params] = useSearchParams();
  const difficulty = params.get('difficulty');
  return (
    <>
      <title>Practice · Challenger</title>
      <PageHeader title="Practice">
        Pick a difficulty and, if you like, a topic. Each challenge has four options and one right answer.
      </PageHeader>
      <div className="practice-grid">
        <GeneratorForm
          key={params.toString()}
          initialDifficulty={isDifficulty(difficulty) ? difficulty : undefined}
          initialTopic={params.get('topic') ?? undefined}
        />
        <section className="card" aria-labelledby="recent-heading">
          <div className="card-header">
            <h2 id="recent-heading">Recent challenges</h2>
            <Link href={paths.history.href()} className="text-link">
              All history
            </Link>
          </div>
          <HistoryResults
            filter={{}}
            from="practice"
            limit={5}
            paged={false}
            empty={
              <EmptyState title="Nothing here yet">Your challenges will show up here once you generate one.</EmptyState>
            }
          />
        </section>
      </div>
    </>
  );
}
