import type { ReviewItem, ReviewResult } from '@challenger/sdk';
import { getMyHistoryOptions } from '@challenger/sdk/react-query';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { EmptyState, ErrorState, Loading } from '@/components/ui/status';
import { formatDateTime, formatWait } from '@/lib/format';
import { paths } from '@/lib/paths';
import { useNow } from '@/lib/use-now';
import { useReviewQueue } from '../api/get-review-queue';
import { ReviewCard } from './review-card';

/** The earlier of two RFC 3339 times (either may be missing). */
function earlier(a: string | null, b: string | null | undefined): string | null {
  if (!b) return a;
  return !a || new Date(b) < new Date(a) ? b : a;
}

/**
 * When the next review falls due: the earliest `next_due_at` of the mistakes in history, which
 * is exact when they fit in one page (at most 100); otherwise what the reviews of this visit said.
 */
function NextDue({ reviewedNextDue }: { reviewedNextDue: string | null }) {
  const now = useNow();
  const mistakes = useQuery(getMyHistoryOptions({ query: { outcome: 'wrong', limit: 100 } }));
  const complete = mistakes.data && mistakes.data.next_before == null;
  const next = complete
    ? mistakes.data.challenges
        .map((c) => (c.reviews && !c.reviews.retired ? c.reviews.next_due_at : null))
        .reduce<string | null>(earlier, null)
    : null;
  if (next && new Date(next).getTime() > now) {
    return (
      <>
        Next review due {formatDateTime(next)} ({formatWait(next, now)}).
      </>
    );
  }
  if (!complete && reviewedNextDue) {
    return (
      <>
        What you reviewed comes back from {formatDateTime(reviewedNextDue)} ({formatWait(reviewedNextDue, now)}).
      </>
    );
  }
  return <>Challenges you answer wrong come back here, at growing intervals, until you get them right.</>;
}

/**
 * Works through the due items one at a time: answer, read the verdict and when it comes back,
 * then "Next". An answered item stays on screen while the queue refreshes behind it.
 */
export function ReviewSession() {
  const queue = useReviewQueue();
  // The item answered and still shown, until "Next".
  const [shown, setShown] = useState<ReviewItem | null>(null);
  // When (local clock) each item was reviewed: the queue skips it until it is fetched again after.
  const [reviewedAt, setReviewedAt] = useState<Record<number, number>>({});
  const [done, setDone] = useState({ reviewed: 0, right: 0, nextDue: null as string | null });
  // Bumped by "Next", so an item that is due again at once starts afresh.
  const [round, setRound] = useState(0);
  const emptyRef = useRef<HTMLDivElement>(null);

  const fresh = queue.dataUpdatedAt;
  const items = queue.data?.items.filter((item) => !((reviewedAt[item.id] ?? -1) >= fresh)) ?? [];
  const item = shown ?? items.at(0) ?? null;
  const waiting = !item && queue.isFetching && (queue.data?.items.length ?? 0) > 0;

  // Nothing left: focus the message after "Next" (the queue is fetched every minute meanwhile).
  const empty = queue.isSuccess && !item && !waiting;
  useEffect(() => {
    if (empty && round > 0) emptyRef.current?.focus();
  }, [empty, round]);

  if (queue.isPending) return <Loading label="Loading your reviews…" />;
  if (queue.isError && !item) return <ErrorState error={queue.error} onRetry={() => void queue.refetch()} />;

  function reviewed(answered: ReviewItem, result: ReviewResult) {
    setShown(answered);
    setReviewedAt((at) => ({ ...at, [answered.id]: Date.now() }));
    setDone((d) => ({
      reviewed: d.reviewed + 1,
      right: d.right + (result.correct ? 1 : 0),
      nextDue: earlier(d.nextDue, result.next_due_at),
    }));
  }

  function next() {
    setShown(null);
    setRound((r) => r + 1);
  }

  function skip(refused: ReviewItem) {
    setReviewedAt((at) => ({ ...at, [refused.id]: Date.now() }));
    next();
  }

  const due = queue.data?.due_count ?? 0;
  return (
    <>
      <p className="review-progress">
        <strong>{due}</strong> due now
        {done.reviewed > 0 && (
          <>
            {' '}
            · {done.right} of {done.reviewed} right this session
          </>
        )}
      </p>
      {item ? (
        <ReviewCard
          key={`${item.id}-${round}`}
          item={item}
          focusOnMount={round > 0}
          onReviewed={(result) => reviewed(item, result)}
          onFailed={() => setShown(item)}
          onNext={next}
          onSkip={() => skip(item)}
        />
      ) : waiting ? (
        <Loading label="Loading the next review…" />
      ) : (
        <div className="card review-empty" ref={emptyRef} tabIndex={-1}>
          <EmptyState title={done.reviewed > 0 ? 'All caught up' : 'Nothing to review right now'}>
            <p>
              <NextDue reviewedNextDue={done.nextDue} />{' '}
              <Link href={paths.practice.href()}>Practise something new</Link>.
            </p>
          </EmptyState>
        </div>
      )}
    </>
  );
}
