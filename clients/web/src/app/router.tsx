import { Route, Switch } from 'wouter';
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
      <Route path="/" component={PracticeRoute} />
      <Route path="/history" component={HistoryRoute} />
      <Route path="/review" component={ReviewRoute} />
      <Route path="/progress" component={ProgressRoute} />
      <Route path="/challenges/:id" component={ChallengeRoute} />
      <Route component={NotFoundRoute} />
    </Switch>
  );
}
