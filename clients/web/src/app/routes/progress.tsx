import { ProgressOverview } from '@/features/progress/components/progress-overview';
import { PageHeader } from '../layout';

export function ProgressRoute() {
  return (
    <>
      <title>Progress · Challenger</title>
      <PageHeader title="Progress">How often your first answer was right, overall and per difficulty.</PageHeader>
      <ProgressOverview />
    </>
  );
}
