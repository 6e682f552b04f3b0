import { ReviewSession } from '@/features/review/components/review-session';
import { PageHeader } from '../layout';

export function ReviewRoute() {
  return (
    <>
      <title>Review · Challenger</title>
      <PageHeader title="Review">
        Your mistakes come back here, one at a time, until you answer each right three reviews in a row.
      </PageHeader>
      <ReviewSession />
    </>
  );
}
