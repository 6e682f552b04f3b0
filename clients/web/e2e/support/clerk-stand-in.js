// A stand-in for Clerk's browser script (clerk-js), which the end-to-end tests serve in place of
// https://<frontend-api>/npm/@clerk/clerk-js@<version>/dist/clerk.browser.js (see clerk.ts).
//
// @clerk/react loads that script, waits for `window.Clerk`, calls `load()`, then drives it the
// way it drives the real one: `addListener` and `__internal_lastEmittedResources` for the
// signed-in state, `session.getToken()` for session tokens, `mountSignIn`/`mountUserButton` to
// render Clerk's components into the nodes it gives. Like clerk-js, this talks to the Frontend
// API for everything else (the test answers those requests): which session the browser has
// (`GET /v1/client`), signing in (`POST /v1/client/sign_ins`), a session token
// (`POST /v1/client/sessions/<id>/tokens`, signed by the test's key) and signing out.
(() => {
  const publishableKey =
    document.currentScript?.getAttribute('data-clerk-publishable-key') ?? window.__clerk_publishable_key;
  const frontendApi = `https://${atob(publishableKey.split('_')[2]).replace(/\$$/, '')}`;

  async function frontendApiCall(method, path, form) {
    const response = await fetch(`${frontendApi}${path}`, {
      method,
      body: form ? new URLSearchParams(form) : undefined,
    });
    if (!response.ok) throw new Error(`Clerk stand-in: ${method} ${path} answered ${response.status}`);
    return response.json();
  }

  const listeners = new Set();
  /** What clerk-js emits to its listeners: the client, its session, the user, the organization. */
  let resources = { client: { sessions: [], signedInSessions: [] }, session: null, user: null, organization: null };

  function readToken(jwt) {
    const claims = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return { jwt: { claims }, getRawString: () => jwt };
  }

  function session(id, user) {
    return {
      id,
      status: 'active',
      actor: null,
      factorVerificationAge: null,
      /** The last token, whose claims @clerk/react reads as `sessionClaims` (signed in needs them). */
      lastActiveToken: null,
      user,
      async getToken() {
        // Reused until ten seconds before it expires, as clerk-js refreshes its 60-second tokens.
        const last = this.lastActiveToken;
        if (last && last.jwt.claims.exp - 10 > Date.now() / 1000) return last.getRawString();
        const { jwt } = await frontendApiCall('POST', `/v1/client/sessions/${id}/tokens`);
        this.lastActiveToken = readToken(jwt);
        return jwt;
      },
    };
  }

  /** Tells the listeners who is signed in, once the session has its first token (as clerk-js does). */
  async function emit(signedIn) {
    const user = signedIn && {
      id: signedIn.user_id,
      primaryEmailAddress: { emailAddress: signedIn.email },
      organizationMemberships: [],
    };
    const active = signedIn ? session(signedIn.session_id, user) : null;
    await active?.getToken();
    resources = {
      client: { sessions: active ? [active] : [], signedInSessions: active ? [active] : [] },
      session: active,
      user: user || null,
      organization: null,
    };
    listeners.forEach((listener) => listener(resources));
  }

  function signInForm(node) {
    node.innerHTML = `
      <form class="card stack" aria-labelledby="clerk-sign-in-heading">
        <h2 id="clerk-sign-in-heading">Sign in to Challenger</h2>
        <div class="field">
          <label for="clerk-identifier">Email address</label>
          <input id="clerk-identifier" name="identifier" type="email" autocomplete="email" required>
        </div>
        <button type="submit" class="button primary">Continue</button>
      </form>`;
    node.querySelector('form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const identifier = node.querySelector('input').value;
      const { response } = await frontendApiCall('POST', '/v1/client/sign_ins', { identifier, strategy: 'password' });
      await emit(response);
    });
  }

  /** Clerk's user button: the email, the app's own menu items (`customMenuItems`), sign out. */
  function userButton(node, props) {
    const email = resources.user?.primaryEmailAddress.emailAddress ?? '';
    node.innerHTML = `
      <div class="user-menu">
        <span class="user-id">${email.replace(/[<>&"]/g, '')}</span>
      </div>`;
    const menu = node.querySelector('.user-menu');
    for (const item of props?.customMenuItems ?? []) {
      if (!item.onClick) continue;
      const button = Object.assign(document.createElement('button'), {
        type: 'button',
        className: 'button ghost small',
        textContent: item.label,
      });
      button.addEventListener('click', () => item.onClick());
      menu.append(button);
    }
    const signOut = Object.assign(document.createElement('button'), {
      type: 'button',
      className: 'button ghost small',
      textContent: 'Sign out',
    });
    signOut.addEventListener('click', () => void clerk.signOut());
    menu.append(signOut);
  }

  const clerk = {
    loaded: false,
    get __internal_lastEmittedResources() {
      return resources;
    },
    get client() {
      return resources.client;
    },
    get session() {
      return resources.session;
    },
    get user() {
      return resources.user;
    },
    get organization() {
      return null;
    },
    get isSignedIn() {
      return Boolean(resources.session);
    },
    async load() {
      const { session: current } = await frontendApiCall('GET', '/v1/client');
      await emit(current);
      this.loaded = true;
    },
    addListener(listener, options) {
      listeners.add(listener);
      if (!options?.skipInitialEmit && this.loaded) listener(resources);
      return () => listeners.delete(listener);
    },
    mountSignIn: signInForm,
    unmountSignIn: (node) => node.replaceChildren(),
    mountUserButton: userButton,
    unmountUserButton: (node) => node.replaceChildren(),
    async signOut() {
      const id = resources.session?.id;
      if (id) await frontendApiCall('POST', `/v1/client/sessions/${id}/end`);
      await emit(null);
    },
  };

  window.Clerk = clerk;
})();
