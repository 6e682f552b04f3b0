// The release binary for the end-to-end tests, started by the SDK tests' launcher
// (clients/typescript/test/server.ts: free port, throw-away working directory, development
// issuer, builtin generator). The binary comes from CHALLENGER_BIN, or is the newest release
// build under CARGO_TARGET_DIR, ~/.cache/challenger-target or the repository's target/.
// With E2E_APP_FROM_DISK=1, a binary that embeds an older build of the app still serves the API,
// while the browser gets the app from dist/ (./browser.ts): for working on the app without
// recompiling the server. The full suite runs without it, against what the binary embeds.
import { readFileSync } from 'node:fs';
import { startServer, type RunningServer } from '../../../typescript/test/server.ts';

export interface AppServer {
  server: RunningServer;
  /** Where the browser opens the app: the server's own origin. */
  appUrl: string;
  /** The binary embeds another build: the browser sessions serve dist/ from disk instead. */
  appFromDisk: boolean;
  stop: () => Promise<void>;
}

const distIndex = new URL('../../dist/index.html', import.meta.url);

export async function startAppServer(env: Record<string, string> = {}): Promise<AppServer> {
  const server = await startServer(env);
  try {
    const index = await fetch(`${server.baseUrl}/`, { headers: { Accept: 'text/html' } }).then((r) => r.text());
    const appFromDisk = index !== readFileSync(distIndex, 'utf8');
    if (appFromDisk && process.env.E2E_APP_FROM_DISK !== '1') {
      throw new Error(
        'the server binary embeds another build of the app than clients/web/dist: ' +
          'run `npm run build` here, then `cargo build --release` (or point CHALLENGER_BIN at a fresh binary, ' +
          'or set E2E_APP_FROM_DISK=1 to serve dist/ to the browser from disk)',
      );
    }
    return { server, appUrl: server.baseUrl, appFromDisk, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Calls the API directly from the test (no browser), with a session token. */
export async function api<T>(server: AppServer, path: string, token: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  headers.set('Content-Type', 'application/json');
  const response = await fetch(`${server.server.baseUrl}${path}`, { ...init, headers });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
