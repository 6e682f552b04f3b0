import type { DifficultyStats } from '@challenger/sdk';
import { Link } from 'wouter';
import { LANGUAGE_LABELS } from '@/lib/highlight';
import { paths } from '@/lib/paths';
import { isLanguage, languageLabel, weakestFirst } from '../describe';
import { AccuracyBar } from './accuracy-bar';

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
          return (
            <AccuracyBar key={key} label={label} stats={s}>
              <span className="bar-action">
                {isLanguage(key) && (
                  <Link href={paths.practice.href({ topic: LANGUAGE_LABELS[key].toLowerCase() })} className="text-link">
                    Practise <span className="visually-hidden">{label}</span>
                  </Link>
                )}
              </span>
            </AccuracyBar>
          );
        })}
      </ul>
    </section>
  );
}
