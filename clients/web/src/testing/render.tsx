import { render } from '@testing-library/react';
import { App } from '@/app';
import { createQueryClient } from '@/lib/query-client';

/** Renders the whole app at `path`, with a fresh QueryClient that does not retry. */
export function renderApp(path = '/') {
  window.history.replaceState(null, '', path);
  const queryClient = createQueryClient({ retry: false });
  return { ...render(<App queryClient={queryClient} />), queryClient };
}
