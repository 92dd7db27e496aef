/**
 * Bundles the Electron preload into one CommonJS file: a sandboxed preload may only
 * `require('electron')`, and it imports the verb list from shared/contract/verbs.ts.
 * Runs after `tsc` and replaces its dist/main/electron/preload.js.
 */
import path from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  configFile: false,
  logLevel: 'warn',
  build: {
    lib: { entry: path.resolve(import.meta.dirname, 'main/electron/preload.ts'), formats: ['cjs'], fileName: () => 'preload.js' },
    outDir: path.resolve(import.meta.dirname, 'dist/main/electron'),
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: { external: ['electron'] },
  },
});
