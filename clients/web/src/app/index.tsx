import type { QueryClient } from '@tanstack/react-query';
import { AppErrorBoundary } from './error-boundary';
import { Layout } from './layout';
import { AppProvider } from './provider';
import { AppRouter } from './router';
import { ScrollToTop } from './scroll-to-top';

export function App({ queryClient }: { queryClient?: QueryClient }) {
  return (
    <AppErrorBoundary>
      <AppProvider queryClient={queryClient}>
        <ScrollToTop />
        <Layout>
          <AppRouter />
        </Layout>
      </AppProvider>
    </AppErrorBoundary>
  );
}
