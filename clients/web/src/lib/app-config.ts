// How this deployment signs in, read from the server at run time (`GET /app-config.json`), so
// one build of the app serves every server: Clerk, the development issuer, or neither yet.
import { queryOptions } from '@tanstack/react-query';
import { ApiError, apiBaseUrl } from './api-client';

/** The server's `/app-config.json`. */
export interface AppConfig {
  /** The Clerk instance to sign in with (`CLERK_PUBLISHABLE_KEY`), or null. */
  clerk_publishable_key: string | null;
  /** Whether the server's development issuer hands out tokens (`POST /api/dev/token`). */
  dev_issuer: boolean;
}

export const APP_CONFIG_PATH = '/app-config.json';

async function fetchAppConfig({ signal }: { signal: AbortSignal }): Promise<AppConfig> {
  let response: Response;
  try {
    response = await fetch(
      new Request(`${apiBaseUrl}${APP_CONFIG_PATH}`, { signal, headers: { Accept: 'application/json' } }),
    );
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ApiError(
      `Cannot reach the server${apiBaseUrl ? ` at ${apiBaseUrl}` : ''}. Check your connection and try again.`,
      0,
    );
  }
  if (!response.ok)
    throw new ApiError(`The server answered ${APP_CONFIG_PATH} with status ${response.status}.`, response.status);
  const config = (await response.json().catch(() => null)) as Partial<AppConfig> | null;
  if (
    typeof config?.dev_issuer !== 'boolean' ||
    (config.clerk_publishable_key != null && typeof config.clerk_publishable_key !== 'string')
  ) {
    throw new ApiError(
      `The server's ${APP_CONFIG_PATH} is not the app's settings: is this a challenger server?`,
      response.status,
    );
  }
  return { clerk_publishable_key: config.clerk_publishable_key ?? null, dev_issuer: config.dev_issuer };
}

/** Read once per page load; the server sends it with `no-cache`, so a reload sees a new key. */
export function appConfigOptions() {
  return queryOptions({ queryKey: ['app-config'], queryFn: fetchAppConfig, staleTime: Infinity, gcTime: Infinity });
}
