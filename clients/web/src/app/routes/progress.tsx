import { ProgressOverview } from '@/features/progress/components/progress-overview';
import { PageHeader } from '../layout';

export function ProgressRoute() {
  return (
    <>
      <title>Progress · Challenger</title>
      <PageHeader title="Progress">
        How often your first answer was right, per language and difficulty, your streak and your last 30 days.
      </PageHeader>
      <ProgressOverview />
    </>
  );
}
