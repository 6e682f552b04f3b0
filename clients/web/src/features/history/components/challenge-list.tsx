import type { Challenge } from '@challenger/sdk';
import { Link } from 'wouter';
import { DifficultyBadge, OutcomeBadge } from '@/components/ui/badges';
import { InlineCode } from '@/features/challenges/components/rich-text';
import { ReviewBadge } from '@/features/review/components/review-state';
import { formatDateTime } from '@/lib/format';
import { paths, type ChallengeOrigin } from '@/lib/paths';

/** Rows of challenges; each opens the challenge (`from` tells its page where "back" goes). */
export function ChallengeList({ challenges, from }: { challenges: Challenge[]; from: ChallengeOrigin }) {
  return (
    <ul className="challenge-list">
      {challenges.map((challenge) => {
        const firstLine = challenge.code?.split('\n').find((line) => line.trim());
        return (
          <li key={challenge.id}>
            <Link href={paths.challenge.href(challenge.id, from)} className="challenge-row">
              <span className="row-main">
                <span className="row-question">
                  <InlineCode text={challenge.question} />
                </span>
                {firstLine && <code className="row-snippet">{firstLine.trim()}</code>}
              </span>
              <span className="row-meta">
                <DifficultyBadge difficulty={challenge.difficulty} />
                <OutcomeBadge answer={challenge.answer} />
                {challenge.reviews && <ReviewBadge reviews={challenge.reviews} />}
                <time dateTime={challenge.timestamp}>{formatDateTime(challenge.timestamp)}</time>
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
