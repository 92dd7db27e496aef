// The layer table of STYLE.md §1 as a lint rule: each folder may only import what its row
// allows (`no-restricted-imports`, as errors). Run: npx eslint .
// .svelte files are not parsed (that needs eslint-plugin-svelte); their imports are checked by
// svelte-check only insofar as `main/` and node modules are not on the renderer's paths.
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');

const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), ...builtinModules.map((m) => `node:${m}`)];
const tf = { group: ['@tensorflow/*'], message: 'tfjs belongs to the core and the worker, not this layer (STYLE.md §1).' };
const electron = { name: 'electron', message: 'Only main/electron may import electron (STYLE.md §1).' };

/** One `no-restricted-imports` rule from names and patterns. */
function restrict(paths, patterns) {
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'out/**', 'tests/artifacts/**', 'bench/results/**', '**/*.svelte'] },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    // shared/: plain data and pure functions for every process.
    files: ['shared/**/*.ts'],
    rules: restrict(
      [electron, ...nodeBuiltins.map((name) => ({ name, message: 'shared/ runs everywhere, including the renderer: no Node modules.' })), { name: 'svelte', message: 'shared/ has no UI.' }, { name: 'zod', message: 'Validation lives in main/contract/, not shared/.' }],
      [tf, { group: ['../*', '!./*'], message: 'shared/ imports only other shared/ files.' }, { group: ['svelte/*'], message: 'shared/ has no UI.' }],
    ),
  },
  {
    // The core: everything in main/ but the Electron shell.
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: restrict([electron], [{ group: ['electron/*'], message: electron.message }, { group: ['**/electron/*', '**/renderer/**'], message: 'The core never reaches up into the shell or the UI.' }, { group: ['svelte', 'svelte/*', 'chart.js'], message: 'The core has no UI.' }]),
  },
  {
    // The training worker: no Electron, no database.
    files: ['main/training/worker.ts', 'main/training/trainer.ts'],
    rules: restrict(
      [electron, { name: 'better-sqlite3', message: 'Only the core writes the database; the worker reports events.' }],
      [{ group: ['**/store/*', '**/store'], message: 'Only the core writes the database; the worker reports events.' }, { group: ['**/electron/*', '**/renderer/**'], message: 'The worker never reaches into the shell or the UI.' }],
    ),
  },
  {
    // The Electron shell and the preload.
    files: ['main/electron/**/*.ts'],
    rules: restrict([{ name: 'svelte', message: 'The shell has no Svelte.' }, { name: 'chart.js', message: 'The shell has no charts.' }], [tf, { group: ['**/renderer/**'], message: 'The shell talks to the renderer over IPC only.' }]),
  },
  {
    // The renderer: shared/ types, svelte, chart.js; never Node, Electron or the core.
    files: ['renderer/**/*.ts'],
    rules: restrict(
      [electron, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a browser page: no Node modules.' })), { name: 'better-sqlite3', message: 'The renderer talks to the Api only.' }, { name: 'sharp', message: 'The renderer talks to the Api only.' }],
      [tf, { group: ['**/main/**', '../../main/*'], message: 'The renderer talks to the core only through the Api (transport/).' }],
    ),
  },
);
