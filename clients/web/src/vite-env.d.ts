/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Clerk publishable key; when unset the app signs in through the server's development issuer. */
  readonly VITE_CLERK_PUBLISHABLE_KEY?: string;
  /** Origin of the challenger server; unset, the app calls the origin that served it. */
  readonly VITE_API_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
