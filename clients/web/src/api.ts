import { configureChallenger, isErrorBody } from '@challenger/sdk';
import { useEffect, useState } from 'react';

// Empty: the app is served by the API itself and calls its own origin.
export const apiBaseUrl = import.meta.env.VITE_API_URL ?? '';

type TokenGetter = () => Promise<string | null> | string | null;

let currentGetToken: TokenGetter = () => null;

/** Called by the active auth mode so every SDK request carries the signed-in session's token. */
export function setTokenGetter(getToken: TokenGetter): void {
  currentGetToken = getToken;
}

configureChallenger({ baseUrl: apiBaseUrl, getToken: () => currentGetToken() });

/** An API failure whose message is fit to show the user. */
export class ApiError extends Error {}

interface SdkResult<T> {
  data?: T;
  error?: unknown;
  response?: Response;
}

/** Resolves to an SDK call's data, or rejects with an ApiError carrying the server's `detail`. */
export async function unwrap<T>(call: Promise<SdkResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response?.ok) return data as T;
  throw new ApiError(describeFailure(error, response));
}

function describeFailure(error: unknown, response: Response | undefined): string {
  // No response: the request never got an answer (server down, CORS, offline, token fetch failed).
  if (!response) return `Cannot reach the server${apiBaseUrl ? ` at ${apiBaseUrl}` : ''}. Check that it is running and try again.`;
  // The server's detail is written for people (a 429 says when the quota refills).
  return isErrorBody(error) ? error.detail : `The server answered with status ${response.status}.`;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Loads `load()` on mount and whenever `version` changes; keeps the last data while reloading. */
export function useResource<T>(load: () => Promise<T>, version: number): { data?: T; error?: string } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data }),
      (error: unknown) => live && setState((prev) => ({ data: prev.data, error: errorMessage(error) })),
    );
    return () => {
      live = false;
    };
  }, [load, version]);
  return state;
}
