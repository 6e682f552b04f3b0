import { Difficulty, GenerateChallengeRequestSchema, Outcome, type Verification } from '@challenger/sdk';

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

/** "Dec 2, 9:00 AM": a date within the next few weeks, where the year goes without saying. */
export function formatShortDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}

/** A UTC day (`2026-12-02`) as "Dec 2", whatever the user's time zone. */
export function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

/** "in 23 h 59 min", "in 5 min", "in under a minute" (or "now" once past). */
export function formatWait(iso: string, now: number = Date.now()): string {
  const minutes = Math.ceil((new Date(iso).getTime() - now) / 60_000);
  if (minutes <= 0) return 'now';
  if (minutes === 1) return 'in under a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `in ${m} min`;
  if (h >= 48) return `in ${Math.floor(h / 24)} days`;
  return m === 0 ? `in ${h} h` : `in ${h} h ${m} min`;
}

/** 0.756 → "76%"; null → "–". */
export function formatPercent(ratio: number | null | undefined): string {
  return ratio == null ? '–' : `${Math.round(ratio * 100)}%`;
}

// A sentence, not code: capitalised words ending in . ? or !, maybe in parentheses, with none of
// the punctuation code has ("(Outputs are shown separated by spaces.)").
const PROSE = /^\(?[A-Z][a-z]+( [^\s;{}=<>`]+){2,}[.?!]\)?$/;

/** A challenge's code, and the prose note it ends with, if any (shown under the listing). */
export function splitCode(code: string): { code: string; note: string | null } {
  const paragraphs = code.replace(/\s+$/, '').split(/\n[ \t]*\n/);
  const last = paragraphs.at(-1)?.trim();
  if (paragraphs.length < 2 || last === undefined || !PROSE.test(last)) return { code, note: null };
  return { code: paragraphs.slice(0, -1).join('\n\n'), note: last };
}

/** How the marked answer was established, in a learner's words; nothing for an unchecked one. */
export const VERIFICATION_LABELS: Record<Verification, string | null> = {
  executed: 'Checked by running the code',
  reviewed: 'Reviewed',
  cross_checked: 'Checked by a second model',
  unchecked: null,
};
