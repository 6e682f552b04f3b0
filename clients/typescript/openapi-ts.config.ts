import { defineConfig } from '@hey-api/openapi-ts';

// Generates src/client/ from the committed spec. Never edit src/client/ by hand:
// change the server, run `challenger openapi > openapi/openapi.json`, then `npm run generate`.
// CHALLENGER_SDK_OUTPUT overrides the output directory (used by scripts/check-generated.mjs).
export default defineConfig({
  input: '../../openapi/openapi.json',
  output: process.env.CHALLENGER_SDK_OUTPUT ?? 'src/client',
  plugins: [
    '@hey-api/client-fetch',
    // Enums also as objects (`Difficulty.EASY`), so clients can list the values at run time.
    { name: '@hey-api/typescript', enums: 'javascript' },
    // The schemas as constants (`GenerateChallengeRequestSchema`): limits such as maxLength.
    { name: '@hey-api/schemas', includeInEntry: true },
    '@hey-api/sdk',
    '@tanstack/react-query',
  ],
});
