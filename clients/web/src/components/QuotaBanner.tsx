import { getQuota } from '@challenger/sdk';
import { unwrap, useResource } from '../api';

const loadQuota = () => unwrap(getQuota());

export function QuotaBanner({ version }: { version: number }) {
  const { data: quota, error } = useResource(loadQuota, version);
  return (
    <section className="quota" aria-label="Daily quota">
      {quota && (
        <p>
          <strong>
            {quota.quota_remaining} of {quota.daily_limit}
          </strong>{' '}
          challenges left today. Refills{' '}
          <time dateTime={quota.next_reset_date}>
            {new Date(quota.next_reset_date).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
          </time>
          .
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
