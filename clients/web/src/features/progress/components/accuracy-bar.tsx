import type { DifficultyStats } from '@challenger/sdk';
import type { ReactNode } from 'react';
import { formatPercent } from '@/lib/format';
import { describe } from '../describe';

/** One row of an accuracy chart: the bar's length is the accuracy, the numbers written beside it. */
export function AccuracyBar({
  label,
  stats,
  className,
  children,
}: {
  label: string;
  stats: DifficultyStats;
  className?: string;
  children?: ReactNode;
}) {
  const pct = stats.accuracy == null ? 0 : Math.round(stats.accuracy * 100);
  return (
    <li className={className ? `bar-row ${className}` : 'bar-row'}>
      <span className="bar-label">{label}</span>
      <span className="bar-track" aria-hidden="true">
        <span className="bar-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="bar-value">
        <strong>{formatPercent(stats.accuracy)}</strong> <span className="bar-detail">{describe(stats)}</span>
      </span>
      {children}
    </li>
  );
}
