// The release binary for the end-to-end tests, started by the SDK tests' launcher
// (clients/typescript/test/server.ts: free port, throw-away working directory, development
// issuer, builtin generator). The binary comes from CHALLENGER_BIN, or is the newest release
// build under CARGO_TARGET_DIR, ~/.cache/challenger-target or the repository's target/.
import { readFileSync } from 'node:fs';
import { startServer, type RunningServer } from '../../../typescript/test/server.ts';

export interface AppServer {
  server: RunningServer;
  /** Where the browser opens the app (see `SERVED_AS`). */
  appUrl: string;
  /** Chromium's proxy setting when the app is browsed as SERVED_AS, else undefined. */
  proxy: { server: string } | undefined;
  stop: () => Promise<void>;
}

/**
 * The origin the app is browsed as when the server refuses requests from its own origin.
 * The server's CORS layer rejects any request whose Origin is not in CORS_ALLOWED_ORIGINS with
 * 403 "request-origin not allowed", same-origin ones included, and Chromium sends Origin on the
 * app's module script, its stylesheet and every POST. So unless the server lets same-origin
 * requests through, the tests list this name in CORS_ALLOWED_ORIGINS and have Chromium reach the
 * server through it (the server itself as an HTTP proxy: requests in absolute form), as a
 * deployment under its own host name would be. Both ways, the browser only talks to 127.0.0.1.
 */
export const SERVED_AS = 'http://challenger.test';

const distIndex = new URL('../../dist/index.html', import.meta.url);

export async function startAppServer(env: Record<string, string> = {}): Promise<AppServer> {
  const server = await startServer({ CORS_ALLOWED_ORIGINS: SERVED_AS, ...env });
  try {
    const index = await fetch(`${server.baseUrl}/`, { headers: { Accept: 'text/html' } }).then((r) => r.text());
    if (index !== readFileSync(distIndex, 'utf8')) {
      throw new Error(
        'the server binary embeds another build of the app than clients/web/dist: ' +
          'run `npm run build` here, then `cargo build --release` (or point CHALLENGER_BIN at a fresh binary)',
      );
    }
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1] ?? '/';
    const sameOrigin = await fetch(`${server.baseUrl}${script}`, { headers: { Origin: server.baseUrl } });
    const direct = sameOrigin.ok;
    if (!direct) {
      console.warn(
        `NOTE: the server answers ${sameOrigin.status} to a same-origin request that carries Origin ` +
          `(${JSON.stringify(await sameOrigin.text())}); browsing the app as ${SERVED_AS} instead.`,
      );
    }
    return {
      server,
      appUrl: direct ? server.baseUrl : SERVED_AS,
      proxy: direct ? undefined : { server: server.baseUrl },
      stop: () => server.stop(),
    };
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
