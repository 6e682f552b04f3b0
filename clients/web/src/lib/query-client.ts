import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError, type ApiError } from './api-client';

type UnauthorizedHandler = (error: ApiError) => void;

let onUnauthorized: UnauthorizedHandler | null = null;

/**
 * The active sign-in mode's reaction to a 401 (the development mode renews its token, or
 * returns to the sign-in screen). Returns a function that removes the handler.
 */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): () => void {
  onUnauthorized = handler;
  return () => {
    if (onUnauthorized === handler) onUnauthorized = null;
  };
}

function reportUnauthorized(error: unknown): void {
  if (isApiError(error) && error.unauthorized) onUnauthorized?.(error);
}

export interface QueryClientOptions {
  /** Retry failed reads that may succeed later (no response, 5xx); off in unit tests. */
  retry?: boolean;
}

export function createQueryClient({ retry = true }: QueryClientOptions = {}): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: reportUnauthorized }),
    mutationCache: new MutationCache({ onError: reportUnauthorized }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // 4xx answers are final (the server says why); only transient failures are retried.
        retry: (failures, error) => retry && isApiError(error) && error.transient && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}
