import { Difficulty, GenerateChallengeRequestSchema, Outcome } from '@challenger/sdk';

// The lists and limits come from the SDK, generated from the server's spec: a new value there
// shows up here without a copy to update.
export const DIFFICULTIES: readonly Difficulty[] = Object.values(Difficulty);
export const OUTCOMES: readonly Outcome[] = Object.values(Outcome);
/** The longest topic the server accepts. */
export const TOPIC_MAX_LENGTH = GenerateChallengeRequestSchema.properties.topic.maxLength;

export const DIFFICULTY_LABELS: Record<Difficulty, string> = { easy: 'Easy', medium: 'Medium', hard: 'Hard' };

export function isDifficulty(value: string | null | undefined): value is Difficulty {
  return DIFFICULTIES.includes(value as Difficulty);
}

export function isOutcome(value: string | null | undefined): value is Outcome {
  return OUTCOMES.includes(value as Outcome);
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

// A sentence, not code: capitalised words ending in . ? or !, maybe in parentheses, with none of
// the punctuation code has ("(Outputs are shown separated by spaces.)").
const PROSE = /^\(?[A-Z][a-z]+( [^\s;{}=<>`]+){2,}[.?!]\)?$/;

/**
 * A challenge title's parts: the question (up to the first blank line), the code after it (blank
 * lines inside kept), and a closing prose note if the title ends with one.
 */
export function splitTitle(title: string): { question: string; code: string | null; note: string | null } {
  const paragraphs = title.replace(/\s+$/, '').split(/\n[ \t]*\n/);
  const question = paragraphs.shift()?.trim() ?? '';
  const last = paragraphs.at(-1)?.trim();
  const note = last !== undefined && PROSE.test(last) ? last : null;
  if (note) paragraphs.pop();
  const code = paragraphs.join('\n\n').replace(/^\n+/, '');
  return { question, code: code.trim() ? code : null, note };
}
