import type { Difficulty } from '@challenger/sdk';

export const DIFFICULTIES: readonly Difficulty[] = ['easy', 'medium', 'hard'];

export const DIFFICULTY_LABELS: Record<Difficulty, string> = { easy: 'Easy', medium: 'Medium', hard: 'Hard' };

export function isDifficulty(value: string | null | undefined): value is Difficulty {
  return DIFFICULTIES.includes(value as Difficulty);
}

export const LETTERS = ['A', 'B', 'C', 'D'] as const;

/** "Dec 2, 2026, 9:00 AM" in the user's locale. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "in 23 h 59 min", "in 5 min", "in under a minute" (or "now" once past). */
export function formatWait(iso: string, now: number = Date.now()): string {
  const minutes = Math.ceil((new Date(iso).getTime() - now) / 60_000);
  if (minutes <= 0) return 'now';
  if (minutes === 1) return 'in under a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `in ${m} min`;
  return m === 0 ? `in ${h} h` : `in ${h} h ${m} min`;
}

/** 0.756 → "76%"; null → "–". */
export function formatPercent(ratio: number | null | undefined): string {
  return ratio == null ? '–' : `${Math.round(ratio * 100)}%`;
}

/** The question of a challenge title: the text before the first blank line (the code follows it). */
export function splitTitle(title: string): { question: string; code: string | null } {
  const at = title.search(/\n\s*\n/);
  if (at < 0) return { question: title.trim(), code: null };
  const code = title.slice(at).replace(/^\s*\n/, '').replace(/\s+$/, '');
  return { question: title.slice(0, at).trim(), code: code || null };
}
