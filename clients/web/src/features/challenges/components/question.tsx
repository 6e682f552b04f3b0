import type { Challenge, ReviewItem } from '@challenger/sdk';
import type { ReactNode, Ref } from 'react';
import { DifficultyBadge } from '@/components/ui/badges';
import { formatDateTime, splitCode, VERIFICATION_LABELS } from '@/lib/format';
import { CodeBlock, InlineCode } from './rich-text';

interface Props {
  challenge: Challenge | ReviewItem;
  /** 1 on the challenge's own page, 2 under another page's title (Review). */
  level?: 1 | 2;
  /** Badges after the difficulty, topic and how the answer was checked. */
  badges?: ReactNode;
  /** The heading, focusable (tabIndex -1), for moving focus to a new question. */
  headingRef?: Ref<HTMLHeadingElement>;
}

/** A challenge's badges and date, its question (`#challenge-question`), code and closing note. */
export function ChallengeQuestion({ challenge, level = 1, badges, headingRef }: Props) {
  const listing = challenge.code ? splitCode(challenge.code) : null;
  const checked = VERIFICATION_LABELS[challenge.verification];
  const Heading = level === 1 ? 'h1' : 'h2';
  return (
    <>
      <div className="challenge-meta">
        <DifficultyBadge difficulty={challenge.difficulty} />
        {challenge.topic && <span className="badge topic">{challenge.topic}</span>}
        {checked && <span className="badge verification">{checked}</span>}
        {badges}
        <time dateTime={challenge.timestamp}>{formatDateTime(challenge.timestamp)}</time>
      </div>
      <Heading id="challenge-question" className="question" ref={headingRef} tabIndex={headingRef ? -1 : undefined}>
        <InlineCode text={challenge.question} />
      </Heading>
      {listing && <CodeBlock code={listing.code} language={challenge.language ?? null} />}
      {listing?.note && (
        <p className="question-note">
          <InlineCode text={listing.note} />
        </p>
      )}
    </>
  );
}
