import { Link } from 'wouter';
import { paths } from '@/lib/paths';
import { PageHeader } from '../layout';

export function NotFoundRoute() {
  return (
    <>
      <title>Not found · Challenger</title>
      <PageHeader title="Page not found">This page does not exist.</PageHeader>
      <div className="card">
        <p>
          <Link href={paths.practice.href()}>Go to practice</Link> or{' '}
          <Link href={paths.history.href()}>open your history</Link>.
        </p>
      </div>
    </>
  );
}
