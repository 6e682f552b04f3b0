import type { Stats } from '@challenger/sdk';
import { Link } from 'wouter';
import { EmptyState, ErrorState, Loading } from '@/components/ui/status';
import { DIFFICULTIES, DIFFICULTY_LABELS, formatPercent } from '@/lib/format';
import { paths } from '@/lib/paths';
import { useStats } from '../api/get-stats';
import { AccuracyBar } from './accuracy-bar';
import { ActivityChart } from './activity-chart';
import { LanguageChart } from './language-chart';

export function ProgressOverview() {
  const stats = useStats();
  if (stats.isPending) return <Loading label="Loading your progress…" />;
  if (stats.isError) return <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />;
  const data = stats.data;
  if (data.total_generated === 0) {
    return (
      <div className="card">
        <EmptyState title="No progress yet">
          <p>
            Answer a few challenges and your accuracy shows up here.{' '}
            <Link href={paths.practice.href()}>Start practising</Link>.
          </p>
        </EmptyState>
      </div>
    );
  }
  return (
    <>
      <Totals stats={data} />
      <LanguageChart byLanguage={data.by_language} />
      <ActivityChart activity={data.activity} />
      <AccuracyChart stats={data} />
    </>
  );
}

function Totals({ stats }: { stats: Stats }) {
  const wrong = stats.total_answered - stats.total_correct;
  return (
    <dl className="tiles">
      <div className="tile accent">
        <dt>Accuracy</dt>
        <dd>{formatPercent(stats.accuracy)}</dd>
      </div>
      <div className="tile">
        <dt>Answered</dt>
        <dd>
          {stats.total_answered}
          <span className="tile-of"> of {stats.total_generated}</span>
        </dd>
      </div>
      <div className="tile">
        <dt>Correct</dt>
        <dd>{stats.total_correct}</dd>
      </div>
      <div className="tile">
        <dt>Mistakes</dt>
        <dd>
          {wrong}
          {wrong > 0 && (
            <Link href={paths.history.href({ outcome: 'wrong' })} className="tile-link">
              See them
            </Link>
          )}
        </dd>
      </div>
      <div className="tile">
        <dt>Streak</dt>
        <dd>
          {stats.streak_days}
          <span className="tile-of"> {stats.streak_days === 1 ? 'day' : 'days'}</span>
        </dd>
      </div>
      <div className={stats.review_due > 0 ? 'tile due' : 'tile'}>
        <dt>Due for review</dt>
        <dd>
          {stats.review_due}
          {stats.review_due > 0 && (
            <Link href={paths.review.href()} className="tile-link">
              Review now
            </Link>
          )}
        </dd>
      </div>
    </dl>
  );
}

/** One bar per difficulty, its length the accuracy; the numbers are written beside it too. */
function AccuracyChart({ stats }: { stats: Stats }) {
  return (
    <section className="card" aria-labelledby="chart-heading">
      <h2 id="chart-heading">Accuracy by difficulty</h2>
      <ul className="bar-chart">
        {DIFFICULTIES.map((d) => (
          <AccuracyBar
            key={d}
            label={DIFFICULTY_LABELS[d]}
            stats={stats.by_difficulty[d]}
            className={`difficulty-${d}`}
          />
        ))}
      </ul>
    </section>
  );
}
