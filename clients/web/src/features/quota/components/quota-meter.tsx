import type { Quota } from '@challenger/sdk';
import { formatDateTime, formatWait } from '@/lib/format';
import { useNow } from '@/lib/use-now';

/** "3 of 5 left today", a meter, and when the quota refills. */
export function QuotaMeter({ quota }: { quota: Quota }) {
  const now = useNow(60_000);
  const { quota_remaining: left, daily_limit: limit } = quota;
  return (
    <div className={`quota ${left === 0 ? 'spent' : ''}`}>
      <div className="quota-line">
        <p className="quota-count">
          <strong>
            {left} of {limit}
          </strong>{' '}
          challenges left today
        </p>
        <p className="quota-refill">
          Refills <time dateTime={quota.next_reset_date}>{formatDateTime(quota.next_reset_date)}</time> (
          {formatWait(quota.next_reset_date, now)})
        </p>
      </div>
      {/* The text above says it; the bar is only a picture of it. */}
      <div className="quota-bar" aria-hidden="true">
        <span style={{ width: `${limit > 0 ? (100 * left) / limit : 0}%` }} />
      </div>
    </div>
  );
}
