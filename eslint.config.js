// The layer table of docs/ARCHITECTURE.md (STYLE.md §1) as lint rules: each folder may only
// import what its row allows (`no-restricted-imports`, as errors), and no module may import
// itself through a cycle (`import-x/no-cycle`). Every .ts, .mts and .svelte file is linted.
// tests/lint/layers.test.ts plants one wrong-way import per rule and expects each to fail.
// Run: npx eslint .
const tseslint = require('typescript-eslint');
const svelte = require('eslint-plugin-svelte');
const importX = require('eslint-plugin-import-x');
const { builtinModules } = require('node:module');

const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), ...builtinModules.map((m) => `node:${m}`)];
const noNode = (where) => nodeBuiltins.map((name) => ({ name, message: `${where} runs in a browser page too: no Node modules.` }));

const electron = { name: 'electron', message: 'Only main/electron and the preload may import electron.' };
const sqlite = { name: 'better-sqlite3', message: 'Only the core writes the database; the worker reports events, the renderer calls verbs.' };
const tf = { group: ['@tensorflow/*'], message: 'tfjs runs only in the worker processes (main/worker, main/models, main/compute).' };
const ui = { group: ['svelte', 'svelte/*', 'chart.js', 'chart.js/*'], message: 'Only the renderer has a UI.' };
const toRenderer = { group: ['**/renderer/**'], message: 'The renderer is reached over the Api (IPC or HTTP), never imported.' };
const toShell = { group: ['**/electron/*', '**/electron'], message: 'Nothing reaches up into the Electron shell.' };
/** The folders of the worker processes, which the core only reaches by starting one. */
const toWorkerSide = {
  group: ['**/worker/*', '**/models/*', '**/compute/*'],
  message: 'The core reaches the worker side (main/worker, main/models, main/compute) only through a worker process (main/queue).',
};
/** The core's folders, which the worker side never imports. */
const toCore = {
  group: ['**/store/*', '**/queue/*', '**/core/*', '**/server/*', '**/cli/*', '**/studies/*', '**/datasets/*', '**/slurm/*', '**/weights/*'],
  message: 'The worker side never imports the core: it gets a job and reports events (shared/contract/worker.ts).',
};

/** The core's data and scheduling modules, which the CLI, the server and the shell only reach through the Workstation. */
const viaFacade = {
  group: ['**/queue/*', '**/datasets/*', '**/store/*', '!**/store/db', '**/slurm/*', '**/studies/studies', '**/studies/store', '**/studies/plan', '**/studies/aggregate', '**/studies/failures'],
  message: 'The CLI, the server and the shell call Workstation / Api verbs; only opening the home (store/db) is theirs.',
};

/** One `no-restricted-imports` rule from names and patterns. */
function restrict(paths, patterns = []) {
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

const CORE = ['core', 'queue', 'store', 'datasets', 'studies', 'slurm', 'weights', 'server', 'cli'].map((f) => `main/${f}/**/*.ts`);
const WORKER_SIDE = ['worker', 'models', 'compute'].map((f) => `main/${f}/**/*.ts`);

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'out/**', 'tests/artifacts/**', 'bench/results/**', '.svelte-kit/**'] },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  ...svelte.configs['flat/base'],
  {
    files: ['**/*.svelte'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    // Svelte 5 state modules: TypeScript with runes.
    files: ['**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // No cycles anywhere in the product's code.
    files: ['main/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.svelte', 'bench/**/*.ts'],
    plugins: { 'import-x': importX },
    // import-x parses imported .svelte files with the svelte parser, whose <script lang="ts">
    // needs the TypeScript parser passed down (the TypeScript parser ignores this option).
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    settings: {
      'import-x/extensions': ['.ts', '.mts', '.svelte', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'], 'svelte-eslint-parser': ['.svelte'] },
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.mts', '.svelte.ts', '.svelte', '.js', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // shared/: plain data, pure functions and the contract, for every process.
    files: ['shared/*.ts'],
    rules: restrict(
      [electron, sqlite, ...noNode('shared/'), { name: 'zod', message: 'Validators live in shared/contract/, beside the types they check.' }],
      [tf, ui, { group: ['../*'], message: 'shared/ imports only other shared/ files.' }],
    ),
  },
  {
    // shared/i18n/: the languages, the message catalogues and the glossary, for every process.
    files: ['shared/i18n/**/*.ts'],
    rules: restrict(
      [electron, sqlite, ...noNode('shared/i18n/'), { name: 'zod', message: 'Validators live in shared/contract/, beside the types they check.' }],
      [tf, ui, { group: ['../../*'], message: 'shared/ imports only other shared/ files.' }],
    ),
  },
  {
    // shared/contract/: the types and validators of every message that crosses a process boundary.
    files: ['shared/contract/**/*.ts'],
    rules: restrict([electron, sqlite, ...noNode('shared/contract/')], [tf, ui, { group: ['../../*'], message: 'shared/ imports only other shared/ files.' }]),
  },
  {
    // The core: datasets, store, run queue, studies, server, CLI and the Workstation facade.
    files: CORE,
    rules: restrict([electron], [tf, ui, toRenderer, toShell, toWorkerSide]),
  },
  {
    // The CLI and the server reach data only through the Workstation facade.
    files: ['main/cli/**/*.ts', 'main/server/**/*.ts'],
    rules: restrict([electron], [tf, ui, toRenderer, toWorkerSide, viaFacade]),
  },
  {
    // The worker side: what the training and inference worker processes load.
    files: WORKER_SIDE,
    rules: restrict([electron, sqlite], [ui, toRenderer, toShell, toCore]),
  },
  {
    // The Electron shell and the preload.
    files: ['main/electron/**/*.ts'],
    rules: restrict([], [tf, ui, toRenderer, toWorkerSide, viaFacade]),
  },
  {
    // The renderer: shared/, svelte, chart.js; never Node, Electron, the database or the core.
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    rules: restrict(
      [electron, sqlite, ...noNode('The renderer'), { name: 'sharp', message: 'The renderer talks to the Api only.' }, { name: 'zod', message: 'The renderer validates with shared/contract/, not schemas of its own.' }],
      [tf, { group: ['**/main/**', '../../main/*'], message: 'The renderer talks to the core only through the Api (transport/).' }],
    ),
  },
);
