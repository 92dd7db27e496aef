/**
 * `bloombench compare <run> <run>…` (McNemar's exact test on the same test images, seed groups
 * with 95% intervals, calibration) and `bloombench suspects <dataset>` (label suspects by
 * confident learning).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LabelSuspects, RunComparison } from '../../shared/contract/analysis';
import type { LabelAction, LabelHistory } from '../../shared/contract/labels';
import { UserError } from '../../shared/contract/errors';
import { formatInterval, formatP } from '../../shared/format';
import type { RunDetail } from '../../shared/types';
import type { Workstation } from '../core/workstation';
import { out, runIdArg, UsageError, withWorkstation } from './common';
import { pct, table } from './format';

export const COMPARE_HELP = `Usage: bloombench compare <run> <run>... [--json]

Compares runs: their test accuracy, calibration (ECE over 15 bins, top-k accuracy), McNemar's
exact test for each pair on the same test images (how many images only one of them gets right,
and how likely so uneven a split is by chance), and, for runs that differ only by their seed,
the mean test accuracy with its 95% confidence interval.
`;

export const SUSPECTS_HELP = `Usage: bloombench suspects <dataset> [--runs 3,4] [--limit N] [--json]

Ranks the test images whose label the runs on a dataset confidently contradict (confident
learning: Northcutt, Jiang & Chuang, JAIR 2021): the runs' test probabilities are averaged, each
class gets a threshold (the mean probability its own images receive), and an image is a suspect
when another class reaches its threshold and beats every class that does. Lowest probability of
the given label first. Uses every completed run of the dataset unless --runs names some.

  <dataset>      a dataset id or name (bloombench datasets lists them)
  --runs A,B     the runs to average
  --limit N      suspects to list (default 30; --json lists up to 1000)
`;

/** Which dataset a reference names: its id, its name, or the folder it was imported from. */
async function datasetId(ws: Workstation, ref: string | undefined): Promise<number> {
  if (!ref) throw new UsageError('This needs a dataset: an id, name or folder (bloombench datasets lists them).');
  const list = await ws.listDatasets();
  const found =
    list.find((d) => String(d.id) === ref) ?? list.find((d) => d.name === ref) ?? list.find((d) => d.name.toLowerCase() === ref.toLowerCase()) ?? list.find((d) => path.resolve(d.root) === path.resolve(ref));
  if (!found) throw new UsageError(`No dataset "${ref}". Known datasets: ${list.map((d) => `${d.name} (id ${d.id})`).join(', ') || 'none (bloombench import <folder>)'}.`);
  return found.id;
}

/** The comparison as terminal text. */
export function comparisonText(cmp: RunComparison, details: readonly RunDetail[]): string {
  const lines: string[] = [];
  lines.push(
    table(
      ['run', 'name', 'arch', 'status', 'test acc', 'ECE', 'top-k', 'over-confidence'],
      details.map((d) => {
        const c = d.calibration;
        return [
          d.id,
          d.name,
          d.arch,
          d.status,
          pct(d.testAccuracy),
          c ? pct(c.ece) : '—',
          c && c.topK !== null ? `top-${c.topK} ${pct(c.topKAccuracy)}` : '—',
          c ? `${c.overconfidence >= 0 ? '+' : ''}${(100 * c.overconfidence).toFixed(1)} pts` : '—',
        ];
      }),
    ),
  );
  if (cmp.pairs.length) {
    lines.push('', "McNemar's exact test on the same test images (only A: images only the first run gets right):");
    lines.push(
      table(
        ['A', 'B', 'images', 'both right', 'only A', 'only B', 'both wrong', 'acc A', 'acc B', 'p', ''],
        cmp.pairs.map((p) => [`#${p.runA}`, `#${p.runB}`, p.images, p.bothRight, p.onlyA, p.onlyB, p.bothWrong, pct(p.accuracyA), pct(p.accuracyB), formatP(p.p), p.p < 0.05 ? 'beyond chance' : 'within chance']),
      ),
    );
  }
  if (cmp.groups.some((g) => g.runIds.length > 1)) {
    lines.push('', 'Runs that differ only by their seed (test accuracy, mean ± std, 95% CI from Student\'s t):');
    lines.push(
      table(
        ['settings', 'runs', 'n', 'mean', 'std', '95% CI'],
        cmp.groups.map((g) => [g.label || 'same settings', g.runIds.map((id) => `#${id}`).join(' '), g.n, pct(g.mean), g.std === null ? '—' : `${(100 * g.std).toFixed(1)} pts`, formatInterval(g.ci95, 'fraction') ?? '—']),
      ),
    );
    const v = cmp.groupVerdict;
    if (v) {
      const best = { ...cmp.groups[v.best], label: cmp.groups[v.best].label || 'same settings' };
      const second = { ...cmp.groups[v.runnerUp], label: cmp.groups[v.runnerUp].label || 'same settings' };
      const seeds = `${v.seeds} seed${v.seeds === 1 ? '' : 's'}`;
      lines.push(
        v.winner
          ? `★ ${best.label} (${pct(best.mean)}) beats ${second.label} (${pct(second.mean)}) beyond chance: Welch's t-test p = ${formatP(v.p)} over ${seeds}.`
          : v.p === null
            ? `No clear winner with ${seeds}: ${best.label} (${pct(best.mean)}) needs two seeds or more on each side to be told apart from ${second.label} (${pct(second.mean)}).`
            : `No clear winner with ${seeds}: ${best.label} (${pct(best.mean)}) is within chance of ${second.label} (${pct(second.mean)}), Welch's t-test p = ${formatP(v.p)}.`,
      );
    }
  }
  for (const n of cmp.notes) lines.push('', n);
  return lines.join('\n');
}

/** The suspects as terminal text. */
/** The label conflicts: each picture's copies and labels, and what the runs make of it. */
function conflictsText(s: LabelSuspects): string[] {
  if (!s.conflicts.length) return [];
  const lines = [`${s.conflicts.length} picture${s.conflicts.length === 1 ? ' is' : 's are'} filed under two labels or more (identical files): one of the labels is wrong.`];
  for (const c of s.conflicts) {
    const view = c.probabilities ? `; the runs: ${c.labels.map((l) => `${l} ${pct(c.probabilities![s.classes.indexOf(l)])}`).join(', ')}` : '';
    lines.push(`  ${c.copies.map((x) => `${x.path} (${x.split ?? 'no split'})`).join('  ==  ')}${view}`);
  }
  return [...lines, ''];
}

export function suspectsText(s: LabelSuspects, datasetName: string): string {
  if (!s.runIds.length) {
    return [
      ...conflictsText(s),
      `No completed run on ${datasetName} has test predictions yet: label suspects come from the runs' predictions on the held-out (test) images. Train a run first; two or more make the ranking steadier.`,
    ].join('\n');
  }
  const lines: string[] = [...conflictsText(s)];
  lines.push(
    `Label suspects on ${datasetName}: ${s.total} of ${s.images} held-out (test) images, from run${s.runIds.length === 1 ? '' : 's'} ${s.runIds.join(', ')}${s.runIds.length > 1 ? ' (probabilities averaged)' : ''}; confident learning estimates ${s.estimatedErrors.toFixed(1)} label errors among them.`,
  );
  if (s.runIds.length === 1) lines.push('One run only: a second run on the dataset makes the ranking steadier.');
  if (!s.suspects.length) return lines.join('\n');
  lines.push('');
  lines.push(
    table(
      ['#', 'image', 'id', 'labelled', 'looks like', 'p(label)', 'p(looks like)', 'runs agreeing'],
      s.suspects.map((x, i) => [i + 1, x.path, x.imageId, x.givenClass, x.suggestedClass, pct(x.givenProbability), pct(x.suggestedProbability), `${x.agreeing}/${x.answers.length}`]),
    ),
  );
  if (s.total > s.suspects.length) lines.push(`… and ${s.total - s.suspects.length} more (--limit N lists more).`);
  lines.push('', `Class thresholds (mean probability of each class on its own images): ${s.classes.map((c, i) => `${c} ${pct(s.thresholds[i])}`).join(', ')}`);
  return lines.join('\n');
}

/** `bloombench compare …`; returns the exit code. */
export async function compareCommand(args: string[], home: string | undefined): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  if (values.help) {
    out(COMPARE_HELP);
    return 0;
  }
  if (positionals.length < 2) throw new UsageError('compare needs two runs or more: bloombench compare <run> <run>... (bloombench runs lists them).');
  const ids = positionals.map(runIdArg);
  return withWorkstation(home, async (ws) => {
    let cmp: RunComparison;
    let details: RunDetail[];
    try {
      details = await Promise.all(ids.map((id) => ws.getRun(id)));
      cmp = await ws.compareRuns(ids);
    } catch (e) {
      if (e instanceof UserError && e.kind !== 'disk-full') throw new UsageError(e.message);
      throw e;
    }
    out(values.json ? JSON.stringify({ ...cmp, calibration: Object.fromEntries(details.map((d) => [d.id, d.calibration])) }) : comparisonText(cmp, details));
    return 0;
  });
}

/** `bloombench suspects …`; returns the exit code. */
export async function suspectsCommand(args: string[], home: string | undefined): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { runs: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    out(SUSPECTS_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('suspects takes one dataset: bloombench suspects <dataset> [--runs 3,4].');
  const limit = values.limit === undefined ? (values.json ? 1000 : 30) : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0 || limit > 100_000) throw new UsageError(`--limit: "${values.limit}" must be a whole number from 0 to 100000.`);
  const runIds = values.runs === undefined ? undefined : values.runs.split(',').map((s) => runIdArg(s.trim()));
  return withWorkstation(home, async (ws) => {
    const id = await datasetId(ws, positionals[0]);
    let s: LabelSuspects;
    try {
      s = await ws.labelSuspects(id, { runIds, limit });
    } catch (e) {
      if (e instanceof UserError && e.kind !== 'disk-full') throw new UsageError(e.message);
      throw e;
    }
    out(values.json ? JSON.stringify(s) : suspectsText(s, (await ws.getDataset(id)).name));
    return 0;
  });
}

export const LABELS_HELP = `Usage: bloombench labels <dataset> [--json]
       bloombench labels <dataset> relabel <image>… --class C [--json]
       bloombench labels <dataset> exclude|restore <image>… [--json]

Fixes labels reversibly: edits are rows in the run database (no file is moved or deleted), and
each command makes a new dataset version. New runs train on the newest version and record it;
the split never changes (an excluded image leaves the split it was in). restore puts back the
folder's label and includes the image again. With no action, lists the history.

  <image>    an image id or its path inside the dataset folder (as \`bloombench suspects\` lists them)
  --class C  the new class, for relabel
  --json     the history as JSON`;

/** The label history as terminal text. */
export function labelHistoryText(h: LabelHistory, datasetName: string): string {
  const lines = [`${datasetName}: dataset version ${h.version}${h.version === 0 ? ' (the folder as imported, no edit)' : ''}; ${h.edited.filter((e) => e.excluded).length} image(s) excluded, ${h.edited.filter((e) => !e.excluded).length} relabelled.`];
  if (h.skipped) lines.push(`${h.skipped} edit(s) changed nothing (already so) and were skipped.`);
  if (h.edits.length) {
    lines.push('', table(['version', 'action', 'image', 'id', 'split', 'from', 'to'], h.edits.map((e) => [e.version, e.action, e.path, e.imageId, e.split ?? '—', e.fromClass, e.action === 'exclude' ? '(excluded)' : e.toClass])));
  }
  return lines.join('\n');
}

/** `bloombench labels …`; returns the exit code. */
export async function labelsCommand(args: string[], home: string | undefined): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { class: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    out(LABELS_HELP);
    return 0;
  }
  const [ref, action, ...images] = positionals;
  if (action !== undefined && !['relabel', 'exclude', 'restore'].includes(action)) throw new UsageError(`labels: unknown action "${action}" (relabel, exclude or restore).`);
  if (action !== undefined && images.length === 0) throw new UsageError(`labels ${action} needs one image or more: an id or a path inside the dataset folder.`);
  if (action !== 'relabel' && values.class !== undefined) throw new UsageError('--class goes with relabel only.');
  return withWorkstation(home, async (ws) => {
    const id = await datasetId(ws, ref);
    let h: LabelHistory;
    try {
      h = action === undefined
        ? await ws.labelHistory(id)
        : await ws.editLabels(id, images.map((image) => ({ image, action: action as LabelAction, ...(values.class !== undefined ? { className: values.class } : {}) })));
    } catch (e) {
      if (e instanceof UserError && e.kind !== 'disk-full') throw new UsageError(e.message);
      throw e;
    }
    out(values.json ? JSON.stringify(h) : labelHistoryText(h, (await ws.getDataset(id)).name));
    return 0;
  });
}
