import type { Difficulty } from '@challenger/sdk';
import { Link, useParams, useSearchParams } from 'wouter';
import { ErrorState, Loading } from '@/components/ui/status';
import { useChallenge } from '@/features/challenges/api/get-challenge';
import { ChallengeView } from '@/features/challenges/components/challenge-view';
import { paths } from '@/lib/paths';
import { NotFoundRoute } from './not-found';

const BACK = {
  history: { href: paths.history.href(), label: 'Back to history' },
  practice: { href: paths.practice.href(), label: 'Back to practice' },
} as const;

export function ChallengeRoute() {
  const { id } = useParams<{ id: string }>();
  const challengeId = /^[1-9]\d{0,15}$/.test(id) ? Number(id) : null;
  if (challengeId === null) return <NotFoundRoute />;
  return <ChallengePage id={challengeId} />;
}

function ChallengePage({ id }: { id: number }) {
  const [params] = useSearchParams();
  const from = params.get('from');
  const back = from === 'history' ? BACK.history : BACK.practice;
  const challenge = useChallenge(id);

  return (
    <>
      <title>{`Challenge ${id} · Challenger`}</title>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link href={back.href}>
          <span aria-hidden="true">← </span>
          {back.label}
        </Link>
      </nav>
      {challenge.isPending && <Loading label="Loading the challenge…" />}
      {challenge.isError && <ErrorState error={challenge.error} onRetry={() => void challenge.refetch()} />}
      {challenge.data && (
        <>
          <ChallengeView challenge={challenge.data} />
          {challenge.data.answer && <NextSteps difficulty={challenge.data.difficulty} />}
        </>
      )}
    </>
  );
}

function NextSteps({ difficulty }: { difficulty: Difficulty }) {
  return (
    <div className="next-steps">
      <Link href={paths.practice.href({ difficulty })} className="button primary">
        New challenge
      </Link>
      <Link href={paths.history.href()} className="button secondary">
        History
      </Link>
    </div>
  );
}
