import type { Difficulty } from '@challenger/sdk';
import { useState, type FormEvent } from 'react';

export const DIFFICULTIES: readonly Difficulty[] = ['easy', 'medium', 'hard'];

/** One `<option>` per difficulty, for the selects that pick one. */
export function DifficultyOptions() {
  return DIFFICULTIES.map((d) => (
    <option key={d} value={d}>
      {d}
    </option>
  ));
}

interface Props {
  busy: boolean;
  error: string | null;
  onGenerate: (difficulty: Difficulty, topic: string) => void;
}

export function Generator({ busy, error, onGenerate }: Props) {
  const [difficulty, setDifficulty] = useState<Difficulty>('easy');
  const [topic, setTopic] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    onGenerate(difficulty, topic.trim());
  }

  return (
    <section className="card" aria-labelledby="generator-heading">
      <h2 id="generator-heading">New challenge</h2>
      <form className="generator" onSubmit={submit}>
        <label>
          Difficulty
          <select value={difficulty} onChange={(e) => setDifficulty(e.target.value as Difficulty)}>
            <DifficultyOptions />
          </select>
        </label>
        <label>
          Topic (optional)
          <input
            value={topic}
            onChange={(e) => setTopic(e.target.value)}
            maxLength={80}
            placeholder="e.g. python, sql, closures"
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Generating…' : 'Generate'}
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
