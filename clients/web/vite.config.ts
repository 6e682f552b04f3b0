import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
    // The SDK is a symlinked `file:` dependency with its own node_modules (its dev copy of
    // TanStack Query, and React under it): resolve these from here, so the bundle has one of each.
    dedupe: ['react', 'react-dom', '@tanstack/react-query', '@tanstack/query-core'],
  },
  server: { port: 5173 },
  build: { chunkSizeWarningLimit: 700 },
  test: {
    environment: 'jsdom',
    // jsdom's fetch needs absolute URLs; the built app calls its own origin.
    env: { VITE_API_URL: 'http://localhost:8000' },
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    setupFiles: ['src/testing/setup.ts'],
    // Generous for a loaded 2-core CI machine, where typing into jsdom alone can take seconds.
    testTimeout: 20_000,
    unstubEnvs: true,
    unstubGlobals: true,
  },
});
