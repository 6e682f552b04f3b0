import type { Difficulty } from '@challenger/sdk';
import { useState, type SubmitEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { ErrorState, Loading } from '@/components/ui/status';
import { useQuota } from '@/features/quota/api/get-quota';
import { QuotaMeter } from '@/features/quota/components/quota-meter';
import { DIFFICULTIES, DIFFICULTY_LABELS, TOPIC_MAX_LENGTH, formatDateTime, formatWait } from '@/lib/format';
import { LANGUAGE_LABELS, LANGUAGES } from '@/lib/highlight';
import { paths } from '@/lib/paths';
import { useGenerateChallenge } from '../api/generate-challenge';

/** Suggested topics: every language the API knows (C++, Ruby and PHP included). */
const TOPICS = LANGUAGES.map((language) => LANGUAGE_LABELS[language]);

/**
 * Difficulty, optional topic and the Generate button, which waits for the quota to load and
 * stays disabled while generating and once the quota is spent (then it says when it refills).
 */
export function GeneratorForm({
  initialDifficulty = 'easy',
  initialTopic = '',
}: {
  initialDifficulty?: Difficulty;
  initialTopic?: string;
}) {
  const quota = useQuota();
  const [, navigate] = useLocation();
  const generate = useGenerateChallenge({ onSuccess: (challenge) => navigate(paths.challenge.href(challenge.id)) });
  const [difficulty, setDifficulty] = useState<Difficulty>(initialDifficulty);
  const [topic, setTopic] = useState(initialTopic.slice(0, TOPIC_MAX_LENGTH));
  const spent = quota.data?.quota_remaining === 0;
  const canGenerate = quota.isSuccess && !spent && !generate.isPending;

  function run() {
    generate.mutate({ body: { difficulty, topic: topic.trim() || undefined } });
  }

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (canGenerate) run();
  }

  return (
    <section className="card generator" aria-labelledby="generator-heading">
      <h2 id="generator-heading">New challenge</h2>
      {quota.isPending && <Loading label="Loading your daily quota…" />}
      {quota.isError && <ErrorState error={quota.error} onRetry={() => void quota.refetch()} />}
      {quota.data && <QuotaMeter quota={quota.data} />}

      <form className="stack" onSubmit={submit}>
        <fieldset className="segmented">
          <legend>Difficulty</legend>
          <div className="segments">
            {DIFFICULTIES.map((d) => (
              <label key={d} className={`segment difficulty-${d}`}>
                <input
                  type="radio"
                  name="difficulty"
                  value={d}
                  checked={difficulty === d}
                  onChange={() => setDifficulty(d)}
                />
                <span>{DIFFICULTY_LABELS[d]}</span>
              </label>
            ))}
          </div>
        </fieldset>

        <div className="field">
          <label htmlFor="topic">
            Topic <span className="optional">(optional)</span>
          </label>
          <input
            id="topic"
            value={topic}
            onChange={(e) => setTopic(e.target.value)}
            maxLength={TOPIC_MAX_LENGTH}
            placeholder="e.g. closures, sql joins, ownership"
            autoComplete="off"
          />
          <div className="chips" role="group" aria-label="Suggested topics">
            {TOPICS.map((t) => {
              const on = topic.trim().toLowerCase() === t.toLowerCase();
              return (
                <button
                  key={t}
                  type="button"
                  className="chip"
                  aria-pressed={on}
                  onClick={() => setTopic(on ? '' : t.toLowerCase())}
                >
                  {t}
                </button>
              );
            })}
          </div>
        </div>

        <div className="form-actions">
          <button type="submit" className="button primary large" disabled={!canGenerate}>
            {generate.isPending ? 'Generating…' : 'Generate challenge'}
          </button>
        </div>
        {spent && quota.data && (
          <p className="notice spent-note" role="status">
            You have used all {quota.data.daily_limit} of today’s challenges. New ones arrive{' '}
            {formatDateTime(quota.data.next_reset_date)} ({formatWait(quota.data.next_reset_date)}). Meanwhile,{' '}
            <Link href={paths.review.href()}>review your mistakes</Link>.
          </p>
        )}
        {generate.isError && <ErrorState error={generate.error} onRetry={canGenerate ? run : undefined} />}
      </form>
    </section>
  );
}
