import { render } from '@testing-library/react';
import { App } from '@/app';
import { appConfigOptions, type AppConfig } from '@/lib/app-config';
import { createQueryClient } from '@/lib/query-client';

/** What a server on the development issuer answers at /app-config.json. */
export const devServerConfig: AppConfig = { clerk_publishable_key: null, dev_issuer: true };

/**
 * Renders the whole app at `path`, with a fresh QueryClient that does not retry. The server's
 * settings are known from the start (`appConfig`), or fetched like a page load does (`null`).
 */
export function renderApp(path = '/', { appConfig = devServerConfig }: { appConfig?: AppConfig | null } = {}) {
  window.history.replaceState(null, '', path);
  const queryClient = createQueryClient({ retry: false });
  if (appConfig) queryClient.setQueryData(appConfigOptions().queryKey, appConfig);
  return { ...render(<App queryClient={queryClient} />), queryClient };
}
