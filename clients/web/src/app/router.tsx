import { Route, Switch } from 'wouter';
import { paths } from '@/lib/paths';
import { ChallengeRoute } from './routes/challenge';
import { HistoryRoute } from './routes/history';
import { NotFoundRoute } from './routes/not-found';
import { PracticeRoute } from './routes/practice';
import { ProgressRoute } from './routes/progress';
import { ReviewRoute } from './routes/review';

/** Client-side routes; the server answers every one of them with index.html, so reloads work. */
export function AppRouter() {
  return (
    <Switch>
      <Route path={paths.practice.pattern} component={PracticeRoute} />
      <Route path={paths.history.pattern} component={HistoryRoute} />
      <Route path={paths.review.pattern} component={ReviewRoute} />
      <Route path={paths.progress.pattern} component={ProgressRoute} />
      <Route path={paths.challenge.pattern} component={ChallengeRoute} />
      <Route component={NotFoundRoute} />
    </Switch>
  );
}
