import type { DifficultyStats } from '@challenger/sdk';
import { Link } from 'wouter';
import { formatPercent } from '@/lib/format';
import { LANGUAGE_LABELS } from '@/lib/highlight';
import { paths } from '@/lib/paths';
import { describe, isLanguage, languageLabel, weakestFirst } from '../describe';

/**
 * Accuracy per language, weakest first, each with a link to practise it (a new challenge with
 * the language as its topic); `general` (no language) has none.
 */
export function LanguageChart({ byLanguage }: { byLanguage: Record<string, DifficultyStats> }) {
  const rows = weakestFirst(byLanguage);
  if (rows.length === 0) return null;
  return (
    <section className="card" aria-labelledby="language-heading">
      <h2 id="language-heading">Accuracy by language</h2>
      <p className="hint">Weakest first: the top one is the one to practise next.</p>
      <ul className="bar-chart language-chart">
        {rows.map(([key, s]) => {
          const label = languageLabel(key);
          const pct = s.accuracy == null ? 0 : Math.round(s.accuracy * 100);
          return (
            <li key={key} className="bar-row">
              <span className="bar-label">{label}</span>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill" style={{ width: `${pct}%` }} />
              </span>
              <span className="bar-value">
                <strong>{formatPercent(s.accuracy)}</strong> <span className="bar-detail">{describe(s)}</span>
              </span>
              <span className="bar-action">
                {isLanguage(key) && (
                  <Link href={paths.practice.href({ topic: LANGUAGE_LABELS[key].toLowerCase() })} className="text-link">
                    Practise <span className="visually-hidden">{label}</span>
                  </Link>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
