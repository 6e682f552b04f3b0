// Relative imports: the end-to-end tests (Node, no `@/` alias) compute their expectations with these.
import type { DifficultyStats, Language } from '@challenger/sdk';
import { LANGUAGE_LABELS, LANGUAGES } from '../../lib/highlight';

/** "1 of 2 correct · 2 generated", "none answered yet · 1 generated", "none yet". */
export function describe(stats: DifficultyStats): string {
  if (stats.total_generated === 0) return 'none yet';
  const answered =
    stats.total_answered === 0 ? 'none answered yet' : `${stats.total_correct} of ${stats.total_answered} correct`;
  return `${answered} · ${stats.total_generated} generated`;
}

export function isLanguage(key: string): key is Language {
  return LANGUAGES.includes(key as Language);
}

/** `python` → "Python", `general` (challenges without a language) → "General". */
export function languageLabel(key: string): string {
  return isLanguage(key) ? LANGUAGE_LABELS[key] : key.charAt(0).toUpperCase() + key.slice(1);
}

/**
 * `by_language`'s entries, weakest first: the lowest accuracy first, then (at equal accuracy)
 * the one with more answers; languages with nothing answered yet come last.
 */
export function weakestFirst(byLanguage: Record<string, DifficultyStats>): [string, DifficultyStats][] {
  const rank = (s: DifficultyStats) => s.accuracy ?? Number.POSITIVE_INFINITY;
  return Object.entries(byLanguage).sort(
    ([ka, a], [kb, b]) =>
      rank(a) - rank(b) || b.total_answered - a.total_answered || languageLabel(ka).localeCompare(languageLabel(kb)),
  );
}
