/**
 * The layer rules cannot silently stop working: in a temporary copy of the lint setup, one
 * wrong-way import is planted per rule (and two cycles), and each must fail `eslint` with the
 * rule that guards it; the same files with allowed imports must pass.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

/** A planted file: where, what it imports, and the rule that must refuse it. */
interface Plant {
  readonly file: string;
  readonly source: string;
  readonly rule: 'no-restricted-imports' | 'import-x/no-cycle';
  /** Part of the message the rule must give. */
  readonly says: RegExp;
}

const imp = (spec: string) => `import * as x from '${spec}';\nexport const y = x;\n`;
const svelteImp = (spec: string) => `<script lang="ts">\n  import * as x from '${spec}';\n  void x;\n</script>\n`;

const WRONG: readonly Plant[] = [
  { file: 'shared/planted.ts', source: imp('node:fs'), rule: 'no-restricted-imports', says: /no Node modules/ },
  { file: 'shared/planted-zod.ts', source: imp('zod'), rule: 'no-restricted-imports', says: /shared\/contract/ },
  { file: 'shared/contract/planted.ts', source: imp('../../main/core/workstation'), rule: 'no-restricted-imports', says: /only other shared/ },
  { file: 'shared/i18n/planted.ts', source: imp('../../main/core/workstation'), rule: 'no-restricted-imports', says: /only other shared/ },
  { file: 'shared/i18n/planted-node.ts', source: imp('node:os'), rule: 'no-restricted-imports', says: /no Node modules/ },
  { file: 'main/core/planted.ts', source: imp('@tensorflow/tfjs'), rule: 'no-restricted-imports', says: /tfjs runs only in the worker/ },
  { file: 'main/queue/planted.ts', source: imp('../worker/trainer'), rule: 'no-restricted-imports', says: /only through a worker process/ },
  { file: 'main/store/planted.ts', source: imp('electron'), rule: 'no-restricted-imports', says: /Only main\/electron/ },
  { file: 'main/studies/planted.ts', source: imp('../models/registry'), rule: 'no-restricted-imports', says: /only through a worker process/ },
  { file: 'main/slurm/planted.ts', source: imp('../worker/bundle-task'), rule: 'no-restricted-imports', says: /only through a worker process/ },
  { file: 'main/slurm/planted-tf.ts', source: imp('@tensorflow/tfjs'), rule: 'no-restricted-imports', says: /tfjs runs only in the worker/ },
  { file: 'main/worker/planted-slurm.ts', source: imp('../slurm/store'), rule: 'no-restricted-imports', says: /never imports the core/ },
  { file: 'main/cli/planted-slurm.ts', source: imp('../slurm/slurm-studies'), rule: 'no-restricted-imports', says: /Workstation \/ Api verbs/ },
  { file: 'main/worker/planted.ts', source: imp('better-sqlite3'), rule: 'no-restricted-imports', says: /Only the core writes the database/ },
  { file: 'main/worker/planted-store.ts', source: imp('../store/runs'), rule: 'no-restricted-imports', says: /never imports the core/ },
  { file: 'main/models/planted.ts', source: imp('../store/db'), rule: 'no-restricted-imports', says: /never imports the core/ },
  { file: 'main/compute/planted.ts', source: imp('electron'), rule: 'no-restricted-imports', says: /Only main\/electron/ },
  { file: 'main/cli/planted.ts', source: imp('../store/runs'), rule: 'no-restricted-imports', says: /Workstation \/ Api verbs/ },
  { file: 'main/server/planted.ts', source: imp('../queue/run-queue'), rule: 'no-restricted-imports', says: /Workstation \/ Api verbs/ },
  { file: 'main/electron/planted.ts', source: imp('@tensorflow/tfjs'), rule: 'no-restricted-imports', says: /tfjs runs only in the worker/ },
  { file: 'main/electron/planted-queue.ts', source: imp('../datasets/queries'), rule: 'no-restricted-imports', says: /Workstation \/ Api verbs/ },
  { file: 'renderer/src/Planted.svelte', source: svelteImp('electron'), rule: 'no-restricted-imports', says: /Only main\/electron/ },
  { file: 'renderer/src/planted.ts', source: imp('node:path'), rule: 'no-restricted-imports', says: /no Node modules/ },
  { file: 'renderer/src/planted-core.ts', source: imp('../../main/core/workstation'), rule: 'no-restricted-imports', says: /only through the Api/ },
  { file: 'renderer/src/planted.svelte.ts', source: imp('@tensorflow/tfjs'), rule: 'no-restricted-imports', says: /tfjs runs only in the worker/ },
];

/**
 * Cycles: two TypeScript files in the core, and a component with its state module. A cycle
 * fails the lint when any of its files is flagged (a cycle through a component is found from
 * the component's side, where its imports are parsed).
 */
const CYCLES: readonly (readonly Omit<Plant, 'rule' | 'says'>[])[] = [
  [
    { file: 'main/cli/cycle-a.ts', source: imp('./cycle-b') },
    { file: 'main/cli/cycle-b.ts', source: imp('./cycle-a') },
  ],
  [
    { file: 'renderer/src/Cycle.svelte', source: svelteImp('./cycle.svelte.ts') },
    { file: 'renderer/src/cycle.svelte.ts', source: imp('./Cycle.svelte') },
  ],
];

/** Imports each layer is allowed: the same folders, the right way. */
const ALLOWED: readonly Omit<Plant, 'rule' | 'says'>[] = [
  { file: 'shared/fine.ts', source: imp('./other') },
  { file: 'shared/other.ts', source: 'export const z = 1;\n' },
  { file: 'shared/contract/fine.ts', source: imp('zod') },
  { file: 'shared/i18n/fine.ts', source: imp('../other') },
  { file: 'main/core/fine.ts', source: imp('better-sqlite3') },
  { file: 'main/worker/fine.ts', source: imp('@tensorflow/tfjs') },
  { file: 'main/slurm/fine.ts', source: imp('../queue/run-queue') },
  { file: 'main/worker/fine-contract.ts', source: imp('../../shared/contract/slurm') },
  { file: 'main/cli/fine.ts', source: imp('../store/db') },
  { file: 'main/electron/fine.ts', source: imp('electron') },
  { file: 'renderer/src/Fine.svelte', source: svelteImp('chart.js') },
];

let dir: string;
let results: Map<string, ESLint.LintResult>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-lint-'));
  fs.copyFileSync(path.join(ROOT, 'eslint.config.js'), path.join(dir, 'eslint.config.js'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const p of [...WRONG, ...ALLOWED, ...CYCLES.flat()]) {
    fs.mkdirSync(path.dirname(path.join(dir, p.file)), { recursive: true });
    fs.writeFileSync(path.join(dir, p.file), p.source);
  }
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: path.join(dir, 'eslint.config.js') });
  const all = await eslint.lintFiles([...WRONG, ...ALLOWED, ...CYCLES.flat()].map((p) => p.file));
  results = new Map(all.map((r) => [path.relative(dir, r.filePath), r]));
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the layer and cycle rules', () => {
  it.each(WRONG.map((p) => [p.file, p] as const))('refuses the wrong-way import planted in %s', (_file, p) => {
    const r = results.get(p.file);
    expect(r, `${p.file} was linted`).toBeDefined();
    const hit = r!.messages.find((m) => m.ruleId === p.rule);
    expect(hit, `${p.file}: ${JSON.stringify(r!.messages.map((m) => `${m.ruleId}: ${m.message}`))}`).toBeDefined();
    expect(hit!.severity).toBe(2);
    expect(hit!.message).toMatch(p.says);
  });

  it.each(CYCLES.map((c) => [c.map((p) => p.file).join(' ↔ '), c] as const))('refuses the import cycle %s', (_name, cycle) => {
    const hits = cycle.flatMap((p) => results.get(p.file)?.messages.filter((m) => m.ruleId === 'import-x/no-cycle' && m.severity === 2) ?? []);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].message).toMatch(/cycle/i);
  });

  it('lets each layer import what it may', () => {
    for (const p of ALLOWED) {
      const r = results.get(p.file);
      expect(r, `${p.file} was linted`).toBeDefined();
      expect(r!.messages.map((m) => `${p.file} ${m.ruleId}: ${m.message}`)).toEqual([]);
    }
  });
});
