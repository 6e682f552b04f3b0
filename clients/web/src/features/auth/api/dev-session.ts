// The development issuer's session: a token from `POST /api/dev/token`, kept in sessionStorage
// (it survives a reload and ends with the tab), renewed shortly before it expires.
import { createDevToken } from '@challenger/sdk';
import { ApiError, toApiError } from '@/lib/api-client';

export interface DevSession {
  userId: string;
  token: string;
}

export interface DevSessionState {
  session: DevSession | null;
  /** Shown on the sign-in screen after the session ended on its own (e.g. it could not be renewed). */
  notice: string | null;
}

export const STORAGE_KEY = 'challenger.devSession';

/** Renew when less than this is left, so no request goes out with an expired token. */
const RENEW_MARGIN_MS = 60_000;

function parse(raw: string | null): DevSession | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<DevSession>;
    return typeof value.userId === 'string' && typeof value.token === 'string'
      ? { userId: value.userId, token: value.token }
      : null;
  } catch {
    return null;
  }
}

/** The token's `exp` in milliseconds, or null when it has none or cannot be read. */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const { exp } = JSON.parse(atob(payload)) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Mints a token for `userId`; rejects with an ApiError carrying the server's words. */
export async function mintDevToken(userId: string): Promise<string> {
  const { data, error, response } = await createDevToken({ body: { user_id: userId } });
  if (data && response?.ok) return data.token;
  throw toApiError(error, response);
}

const listeners = new Set<() => void>();
let notice: string | null = null;
let snapshot: DevSessionState = { session: null, notice: null };
let snapshotRaw: string | null = null;
let renewing: Promise<DevSession> | null = null;
/** The last token `renew()` minted: if the server refuses that one too, renewing does not help. */
let renewedToken: string | null = null;

function emit(): void {
  for (const listener of listeners) listener();
}

function store(session: DevSession): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  emit();
}

export const devSessions = {
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },

  /** The current state, read from sessionStorage (stable while nothing changes, for useSyncExternalStore). */
  getSnapshot: (): DevSessionState => {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (raw !== snapshotRaw || notice !== snapshot.notice) {
      snapshotRaw = raw;
      snapshot = { session: parse(raw), notice };
    }
    return snapshot;
  },

  signIn: (session: DevSession): void => {
    notice = null;
    store(session);
  },

  signOut: (reason: string | null = null): void => {
    notice = reason;
    sessionStorage.removeItem(STORAGE_KEY);
    emit();
  },

  /** Gets a fresh token for the same user (one request however many callers ask at once). */
  renew: (): Promise<DevSession> => {
    const current = devSessions.getSnapshot().session;
    if (!current) return Promise.reject(new ApiError('You are signed out.', 401));
    renewing ??= mintDevToken(current.userId)
      .then((token) => {
        const next = { userId: current.userId, token };
        renewedToken = token;
        // Only if nobody signed out (or in as someone else) meanwhile.
        if (devSessions.getSnapshot().session?.userId === current.userId) store(next);
        return next;
      })
      .finally(() => {
        renewing = null;
      });
    return renewing;
  },

  /** The SDK's token getter: the session's token, renewed first when it expires within a minute. */
  token: async (): Promise<string | null> => {
    const session = devSessions.getSnapshot().session;
    if (!session) return null;
    const expiry = tokenExpiry(session.token);
    if (expiry !== null && expiry - Date.now() < RENEW_MARGIN_MS) return (await devSessions.renew()).token;
    return session.token;
  },

  /**
   * After the server refused `refusedToken` (401): resolves true once the session has a token
   * worth retrying with (a newer one, or a fresh one from `renew()`); signs out with a notice and
   * resolves false when a freshly renewed token was refused too, or none can be had.
   */
  recover: async (refusedToken: string | null): Promise<boolean> => {
    const current = devSessions.getSnapshot().session;
    if (!current) return false;
    // A request that left before the last renewal: the session has moved on already.
    if (refusedToken !== null && refusedToken !== current.token) return true;
    if (current.token === renewedToken) {
      devSessions.signOut('The server did not accept your session. Sign in again.');
      return false;
    }
    try {
      await devSessions.renew();
      return true;
    } catch (error) {
      devSessions.signOut(`Your session ended and could not be renewed: ${(error as Error).message}`);
      return false;
    }
  },
};
