import { defineConfig } from '@hey-api/openapi-ts';

// Generates src/client/ from the committed spec. Never edit src/client/ by hand:
// change the server, run `challenger openapi > openapi/openapi.json`, then `npm run generate`.
// CHALLENGER_SDK_OUTPUT overrides the output directory (used by scripts/check-generated.mjs).
export default defineConfig({
  input: '../../openapi/openapi.json',
  output: process.env.CHALLENGER_SDK_OUTPUT ?? 'src/client',
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk', '@tanstack/react-query'],
});
