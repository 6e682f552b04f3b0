import type { ReviewState } from '@challenger/sdk';
import { Link } from 'wouter';
import { formatDateTime, formatShortDateTime, formatWait } from '@/lib/format';
import { paths } from '@/lib/paths';
import { useNow } from '@/lib/use-now';

export type ReviewKind = 'retired' | 'due' | 'scheduled';

export function reviewKind(reviews: ReviewState, now: number): ReviewKind {
  if (reviews.retired || !reviews.next_due_at) return 'retired';
  return new Date(reviews.next_due_at).getTime() <= now ? 'due' : 'scheduled';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A mistake's review state in a few words: "Retired after 3 reviews", "In review · due now",
 * "In review · last review wrong · next due Dec 3, 9:00 AM".
 */
export function describeReviews(reviews: ReviewState, now: number): string {
  const kind = reviewKind(reviews, now);
  if (kind === 'retired') return `Retired after ${plural(reviews.count, 'review')}`;
  const last = reviews.last_correct == null ? '' : ` · last review ${reviews.last_correct ? 'right' : 'wrong'}`;
  const due =
    kind === 'due' || !reviews.next_due_at ? 'due now' : `next due ${formatShortDateTime(reviews.next_due_at)}`;
  return `In review${last} · ${due}`;
}

/** The review state as a badge (history rows, a challenge's badges). */
export function ReviewBadge({ reviews }: { reviews: ReviewState }) {
  const now = useNow();
  const kind = reviewKind(reviews, now);
  return (
    <span className={`badge review-${kind}`}>
      <span aria-hidden="true">{kind === 'retired' ? '★' : '↻'}</span> {describeReviews(reviews, now)}
    </span>
  );
}

/** Under a mistake on its page: why it comes back, how its reviews went, and when it is due. */
export function ReviewStatus({ reviews }: { reviews: ReviewState }) {
  const now = useNow();
  const kind = reviewKind(reviews, now);
  const sofar =
    reviews.count === 0
      ? 'Not reviewed yet.'
      : `${plural(reviews.count, 'review')} so far, the last one ${reviews.last_correct ? 'right' : 'wrong'}.`;
  return (
    <section className={`review-status review-${kind}`} aria-labelledby="review-status-heading">
      <h2 id="review-status-heading">{kind === 'retired' ? 'Learnt' : 'In review'}</h2>
      {kind === 'retired' ? (
        <p>
          Retired after {plural(reviews.count, 'review')}: answered right three reviews in a row, it no longer comes
          back.
        </p>
      ) : (
        <p>
          This mistake comes back until you answer it right three reviews in a row. {sofar}{' '}
          {kind === 'due' || !reviews.next_due_at ? (
            <>
              It is due now: <Link href={paths.review.href()}>review it</Link>.
            </>
          ) : (
            <>
              Next due {formatDateTime(reviews.next_due_at)} ({formatWait(reviews.next_due_at, now)}).
            </>
          )}
        </p>
      )}
    </section>
  );
}
