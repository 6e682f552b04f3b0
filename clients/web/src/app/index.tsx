import type { QueryClient } from '@tanstack/react-query';
import { Layout } from './layout';
import { AppProvider } from './provider';
import { AppRouter } from './router';
import { ScrollToTop } from './scroll-to-top';

export function App({ queryClient }: { queryClient?: QueryClient }) {
  return (
    <AppProvider queryClient={queryClient}>
      <ScrollToTop />
      <Layout>
        <AppRouter />
      </Layout>
    </AppProvider>
  );
}
