import type { DayActivity } from '@challenger/sdk';
import { formatDay } from '@/lib/format';

/**
 * The last 30 days as bars (answers per day: right ones green, wrong ones red), with the same
 * figures in words above and as a table below, which is what assistive technology reads.
 */
export function ActivityChart({ activity }: { activity: readonly DayActivity[] }) {
  const max = Math.max(1, ...activity.map((d) => d.answered));
  const total = activity.reduce((n, d) => n + d.answered, 0);
  const activeDays = activity.filter((d) => d.answered > 0).length;
  const today = activity.at(-1);
  const first = activity.at(0);
  return (
    <section className="card" aria-labelledby="activity-heading">
      <h2 id="activity-heading">Activity, last 30 days</h2>
      <p className="activity-summary">
        {today && (
          <>
            Today: <strong>{today.answered} answered</strong>, {today.correct} correct.{' '}
          </>
        )}
        {total === 0
          ? 'Nothing answered in the last 30 days.'
          : `${total} answered on ${activeDays} of the last 30 days.`}
      </p>
      <div className="activity-chart" aria-hidden="true">
        {activity.map((d, i) => (
          <div
            key={d.date}
            className={i === activity.length - 1 ? 'day today' : 'day'}
            title={`${formatDay(d.date)}: ${d.answered} answered, ${d.correct} correct`}
          >
            {d.answered > 0 ? (
              <span className="day-bar" style={{ height: `${(d.answered / max) * 100}%` }}>
                <span className="day-wrong" style={{ flexGrow: d.answered - d.correct }} />
                <span className="day-right" style={{ flexGrow: d.correct }} />
              </span>
            ) : (
              <span className="day-none" />
            )}
          </div>
        ))}
      </div>
      <div className="activity-axis" aria-hidden="true">
        <span>{first && formatDay(first.date)}</span>
        <span className="legend">
          <span className="swatch right" /> correct <span className="swatch wrong" /> wrong
        </span>
        <span>Today</span>
      </div>
      <details className="activity-table">
        <summary>Show as a table</summary>
        <table>
          <caption className="visually-hidden">Answers per day, last 30 days, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col">Answered</th>
              <th scope="col">Correct</th>
            </tr>
          </thead>
          <tbody>
            {[...activity].reverse().map((d, i) => (
              <tr key={d.date}>
                <th scope="row">{i === 0 ? `Today, ${formatDay(d.date)}` : formatDay(d.date)}</th>
                <td>{d.answered}</td>
                <td>{d.correct}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
