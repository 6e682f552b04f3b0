// The one place the SDK's shared client is configured: where the server is, how every request
// gets its token, and how a failed request becomes an ApiError the screens can explain.
import { client, configureChallenger, isErrorBody } from '@challenger/sdk';

/** Origin of the server; empty in builds, where the app is served by the API itself. */
export const apiBaseUrl = import.meta.env.VITE_API_URL ?? '';

/** Returns the signed-in session's token (possibly after renewing it), or null when signed out. */
export type TokenGetter = () => Promise<string | null> | string | null;

let currentGetToken: TokenGetter = () => null;

/** Called by the active sign-in mode so every SDK request carries the session's token. */
export function setTokenGetter(getToken: TokenGetter): void {
  currentGetToken = getToken;
}

configureChallenger({ baseUrl: apiBaseUrl, getToken: () => currentGetToken() });

/** A failed API call, with a message fit to show the user. `status` is 0 when no response came. */
export class ApiError extends Error {
  readonly status: number;
  /** Seconds from `Retry-After`, when the server sent it (429). */
  readonly retryAfterSecs: number | null;
  /** The bearer token the failed request carried (to tell a stale token from a refused fresh one). */
  readonly sentToken: string | null;

  constructor(
    message: string,
    status: number,
    options: { retryAfterSecs?: number | null; sentToken?: string | null } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.retryAfterSecs = options.retryAfterSecs ?? null;
    this.sentToken = options.sentToken ?? null;
  }

  /** The session is missing, expired or invalid: signing in again helps. */
  get unauthorized(): boolean {
    return this.status === 401;
  }

  /** The daily quota is used up; the message says when it refills. */
  get quotaExceeded(): boolean {
    return this.status === 429;
  }

  get notFound(): boolean {
    return this.status === 404;
  }

  /** No answer, a server failure or an overloaded generator: trying again may work. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Turns whatever the SDK client caught into an ApiError (exported for the unit tests). */
export function toApiError(error: unknown, response: Response | undefined, request?: Request): ApiError {
  if (error instanceof ApiError) return error;
  // No response: the request never got an answer (server down, offline, CORS).
  if (!response) {
    return new ApiError(
      `Cannot reach the server${apiBaseUrl ? ` at ${apiBaseUrl}` : ''}. Check your connection and try again.`,
      0,
    );
  }
  const retryAfter = Number(response.headers.get('Retry-After'));
  // The server's detail is written for people (a 429 says when the quota refills).
  const message = isErrorBody(error) ? error.detail : `The server answered with status ${response.status}.`;
  return new ApiError(message, response.status, {
    retryAfterSecs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    sentToken: request?.headers.get('Authorization')?.replace(/^Bearer /, '') ?? null,
  });
}

client.interceptors.error.use((error, response, request) => {
  // A cancelled query (TanStack aborts what nobody waits for any more) stays an AbortError.
  if (error instanceof DOMException && error.name === 'AbortError') return error;
  return toApiError(error, response, request);
});

/** The message to show for any error (an ApiError's is the server's own words). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
