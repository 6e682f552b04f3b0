import { getStats, type DifficultyStats } from '@challenger/sdk';
import { unwrap, useResource } from '../api';
import { DIFFICULTIES } from './Generator';

const loadStats = () => unwrap(getStats());

function percent(accuracy: number | null | undefined): string {
  return accuracy == null ? '–' : `${Math.round(accuracy * 100)}%`;
}

function Row({ label, stats }: { label: string; stats: DifficultyStats }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{stats.total_generated}</td>
      <td>{stats.total_answered}</td>
      <td>{stats.total_correct}</td>
      <td>{percent(stats.accuracy)}</td>
    </tr>
  );
}

export function StatsPanel({ version }: { version: number }) {
  const { data: stats, error } = useResource(loadStats, version);
  return (
    <section className="card stats" aria-labelledby="stats-heading">
      <h2 id="stats-heading">Stats</h2>
      {stats && (
        <table>
          <thead>
            <tr>
              <th scope="col">Difficulty</th>
              <th scope="col">Generated</th>
              <th scope="col">Answered</th>
              <th scope="col">Correct</th>
              <th scope="col">Accuracy</th>
            </tr>
          </thead>
          <tbody>
            {DIFFICULTIES.map((d) => (
              <Row key={d} label={d} stats={stats.by_difficulty[d]} />
            ))}
          </tbody>
          <tfoot>
            <Row label="total" stats={stats} />
          </tfoot>
        </table>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
