import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  server: { port: 5173 },
  test: {
    environment: 'jsdom',
    // jsdom's fetch needs absolute URLs; the built app calls its own origin.
    env: { VITE_API_URL: 'http://localhost:8000' },
    include: ['test/**/*.test.tsx'],
    setupFiles: ['test/setup.ts'],
    unstubEnvs: true,
    unstubGlobals: true,
  },
});
