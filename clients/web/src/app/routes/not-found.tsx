import { Link } from 'wouter';
import { PageHeader } from '../layout';

export function NotFoundRoute() {
  return (
    <>
      <title>Not found · Challenger</title>
      <PageHeader title="Page not found">This page does not exist.</PageHeader>
      <div className="card">
        <p>
          <Link href="/">Go to practice</Link> or <Link href="/history">open your history</Link>.
        </p>
      </div>
    </>
  );
}
