import type { ReactNode } from 'react';
import { ErrorState, Loading } from '@/components/ui/status';
import type { ChallengeOrigin } from '@/lib/paths';
import { useHistory, type HistoryFilter } from '../api/get-history';
import { ChallengeList } from './challenge-list';

interface Props {
  filter: HistoryFilter;
  from: ChallengeOrigin;
  /** Shown when nothing matches. */
  empty: ReactNode;
  /** How many to load at a time. */
  limit?: number;
  /** False: only the first page, no "Load more". */
  paged?: boolean;
}

/** A filtered history list with its loading, empty and error states and "Load more". */
export function HistoryResults({ filter, from, empty, limit, paged = true }: Props) {
  const history = useHistory(filter, limit);
  const { data, error } = history;
  if (history.isPending) return <Loading label="Loading challenges…" />;
  if (!data) return <ErrorState error={error} onRetry={() => void history.refetch()} />;

  const challenges = data.pages.flatMap((page) => page.challenges);
  if (challenges.length === 0 && !error && !history.isPlaceholderData) return empty;
  return (
    <div className={history.isPlaceholderData ? 'results stale' : 'results'} aria-busy={history.isPlaceholderData}>
      <ChallengeList challenges={challenges} from={from} />
      {/* A later page (or a reload of the shown ones) failed: keep what is shown, offer a retry. */}
      {error && (
        <ErrorState
          error={error}
          onRetry={() => void (history.isFetchNextPageError ? history.fetchNextPage() : history.refetch())}
        />
      )}
      {paged && history.hasNextPage && (
        <div className="list-footer">
          <button
            type="button"
            className="button secondary"
            disabled={history.isFetchingNextPage}
            onClick={() => void history.fetchNextPage()}
          >
            {history.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </div>
  );
}
