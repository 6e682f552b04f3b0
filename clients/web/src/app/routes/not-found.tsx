import { Link } from 'wouter';
import { EmptyState } from '@/components/ui/status';

export function NotFoundRoute() {
  return (
    <>
      <title>Not found · Challenger</title>
      <div className="card">
        <EmptyState title="This page does not exist">
          <p>
            <Link href="/">Go to practice</Link> or <Link href="/history">open your history</Link>.
          </p>
        </EmptyState>
      </div>
    </>
  );
}
