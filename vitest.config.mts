// Test runner settings (kept apart from vite.config.ts, which builds the renderer).
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles the renderer's rune modules (*.svelte.ts) that tests/renderer/ loads as they are.
  plugins: [svelte({ configFile: false })],
  test: {
    root: '.',
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs backends are process-global: one test file per worker process, files in parallel.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
