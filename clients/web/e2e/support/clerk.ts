// A Clerk instance of the test's own, entirely in the test: a publishable key naming a Frontend
// API host that does not exist (`.test` never resolves), an RSA key the server trusts through
// CLERK_JWT_KEY, and request interception that answers everything the browser asks of that
// host. Nothing leaves the machine.
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Route } from 'playwright-core';

export const FRONTEND_API = 'clerk.challenger.test';
export const FRONTEND_API_ORIGIN = `https://${FRONTEND_API}`;

/** `pk_test_` + base64 of `<frontend-api>$`, as Clerk's dashboard shows a key (unpadded). */
export const PUBLISHABLE_KEY = `pk_test_${Buffer.from(`${FRONTEND_API}$`).toString('base64').replace(/=+$/, '')}`;

const standInScript = readFileSync(new URL('./clerk-stand-in.js', import.meta.url), 'utf8');
/** What @clerk/react expects of Clerk's UI script: a constructor it hands to `Clerk.load()`. */
const uiScript = 'globalThis.__internal_ClerkUICtor = class ClerkUIStandIn {};';

export interface ClerkInstance {
  /** The server's environment for this instance: CLERK_JWT_KEY and CLERK_PUBLISHABLE_KEY. */
  env: Record<string, string>;
  /** A session token for `userId`, signed like the Frontend API's (for API calls from the test). */
  token: (userId: string, sessionId?: string) => string;
  /** Answers the Frontend API's requests from `context`'s pages; returns what was asked, in order. */
  serve: (context: BrowserContext, appOrigin: string) => Promise<string[]>;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signToken(privateKey: KeyObject, claims: object): string {
  const unsigned = `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'ins_e2e' })}.${base64url(claims)}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
}

/** The user id the Frontend API gives an email address (the same one every time). */
export function userIdFor(email: string): string {
  return `user_${email.replace(/[^a-z0-9]/gi, '_')}`;
}

export function clerkInstance(): ClerkInstance {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const token = (userId: string, sessionId = 'sess_e2e', azp?: string) => {
    const now = Math.floor(Date.now() / 1000);
    return signToken(privateKey, {
      iss: FRONTEND_API_ORIGIN,
      sub: userId,
      sid: sessionId,
      iat: now,
      nbf: now - 5,
      exp: now + 60,
      v: 2,
      sts: 'active',
      ...(azp && { azp }),
    });
  };

  async function serve(context: BrowserContext, appOrigin: string): Promise<string[]> {
    const asked: string[] = [];
    /** The browser's Clerk client: which session it has (Clerk keeps it on its own domain). */
    let signedIn: { session_id: string; user_id: string; email: string } | null = null;
    const reply = (route: Route, status: number, contentType: string, body: string) =>
      route.fulfill({
        status,
        contentType,
        body,
        headers: { 'Access-Control-Allow-Origin': appOrigin, Vary: 'Origin' },
      });
    await context.route(`${FRONTEND_API_ORIGIN}/**`, async (route) => {
      const request = route.request();
      const path = new URL(request.url()).pathname;
      asked.push(`${request.method()} ${path}`);
      if (/^\/npm\/@clerk\/clerk-js@[^/]+\/dist\/clerk\.browser\.js$/.test(path)) {
        return reply(route, 200, 'text/javascript', standInScript);
      }
      if (/^\/npm\/@clerk\/ui@[^/]+\/dist\/ui\.browser\.js$/.test(path)) {
        return reply(route, 200, 'text/javascript', uiScript);
      }
      if (request.method() === 'GET' && path === '/v1/client') {
        return reply(route, 200, 'application/json', JSON.stringify({ session: signedIn }));
      }
      if (request.method() === 'POST' && path === '/v1/client/sign_ins') {
        const email = new URLSearchParams(request.postData() ?? '').get('identifier') ?? '';
        signedIn = { session_id: `sess_${randomUUID().replace(/-/g, '')}`, user_id: userIdFor(email), email };
        return reply(route, 200, 'application/json', JSON.stringify({ response: signedIn }));
      }
      const session = /^\/v1\/client\/sessions\/([^/]+)\/(tokens|end)$/.exec(path);
      if (request.method() === 'POST' && session && signedIn?.session_id === session[1]) {
        if (session[2] === 'end') {
          signedIn = null;
          return reply(route, 200, 'application/json', '{}');
        }
        const jwt = token(signedIn.user_id, signedIn.session_id, appOrigin);
        return reply(route, 200, 'application/json', JSON.stringify({ object: 'token', jwt }));
      }
      return reply(route, 404, 'application/json', JSON.stringify({ errors: [{ code: 'resource_not_found' }] }));
    });
    return asked;
  }

  return {
    env: {
      CLERK_JWT_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      CLERK_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
    },
    token: (userId, sessionId) => token(userId, sessionId),
    serve,
  };
}
