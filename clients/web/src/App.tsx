import { generateChallenge, type Challenge, type Difficulty } from '@challenger/sdk';
import { useState, type ReactNode } from 'react';
import { errorMessage, unwrap } from './api';
import { ChallengeCard } from './components/ChallengeCard';
import { Generator } from './components/Generator';
import { History } from './components/History';
import { QuotaBanner } from './components/QuotaBanner';
import { StatsPanel } from './components/StatsPanel';

export function App({ userMenu }: { userMenu: ReactNode }) {
  // Bumped after every generate/answer so quota, history and stats reload.
  const [version, setVersion] = useState(0);
  const [current, setCurrent] = useState<Challenge | null>(null);
  const [generating, setGenerating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => setVersion((v) => v + 1);

  async function generate(difficulty: Difficulty, topic: string) {
    setGenerating(true);
    setError(null);
    try {
      setCurrent(await unwrap(generateChallenge({ body: { difficulty, topic: topic || undefined } })));
      refresh();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setGenerating(false);
    }
  }

  return (
    <>
      <header className="top-bar">
        <h1>Challenger</h1>
        {userMenu}
      </header>
      <main className="layout">
        <QuotaBanner version={version} />
        <Generator busy={generating} error={error} onGenerate={generate} />
        {current && <ChallengeCard key={current.id} challenge={current} onAnswered={refresh} />}
        <div className="columns">
          <History version={version} onOpen={setCurrent} />
          <StatsPanel version={version} />
        </div>
      </main>
    </>
  );
}
