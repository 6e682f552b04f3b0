import { getMyHistory, type Challenge, type ChallengeHistory, type Difficulty } from '@challenger/sdk';
import { useEffect, useState } from 'react';
import { errorMessage, unwrap } from '../api';
import { DifficultyOptions } from './Generator';
import { InlineCode } from './RichText';

const PAGE_SIZE = 10;

function fetchPage(difficulty: Difficulty | '', before?: number): Promise<ChallengeHistory> {
  return unwrap(getMyHistory({ query: { limit: PAGE_SIZE, before, difficulty: difficulty || undefined } }));
}

interface Props {
  version: number;
  onOpen: (challenge: Challenge) => void;
}

export function History({ version, onOpen }: Props) {
  const [difficulty, setDifficulty] = useState<Difficulty | ''>('');
  const [challenges, setChallenges] = useState<Challenge[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function showPage(page: ChallengeHistory, append: boolean) {
    setChallenges((prev) => (append ? [...prev, ...page.challenges] : page.challenges));
    setNextBefore(page.next_before ?? null);
  }

  // First page again whenever the filter changes or a challenge was generated/answered.
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    fetchPage(difficulty)
      .then(
        (page) => live && showPage(page, false),
        (e: unknown) => live && setError(errorMessage(e)),
      )
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [difficulty, version]);

  async function loadMore(before: number) {
    setLoading(true);
    setError(null);
    try {
      showPage(await fetchPage(difficulty, before), true);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }

  return (
    <section className="card history" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <label>
        Filter by difficulty
        <select value={difficulty} onChange={(e) => setDifficulty(e.target.value as Difficulty | '')}>
          <option value="">all</option>
          <DifficultyOptions />
        </select>
      </label>
      {challenges.length === 0 && !loading && !error && <p>No challenges yet.</p>}
      <ul>
        {challenges.map((c) => (
          <li key={c.id}>
            <button type="button" className="link" onClick={() => onOpen(c)}>
              <InlineCode text={c.title.split('\n')[0]} />
            </button>
            <span className={`badge ${c.difficulty}`}>{c.difficulty}</span>
            <time dateTime={c.timestamp}>{new Date(c.timestamp).toLocaleString()}</time>
          </li>
        ))}
      </ul>
      {nextBefore !== null && (
        <button type="button" disabled={loading} onClick={() => loadMore(nextBefore)}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
