/**
 * The `bloombench` command line: import, train, inspect and export from a terminal, writing to
 * the same run store as the app.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AUGMENTATION_INFO, AUGMENTATIONS, DEFAULT_CONFIG } from '../../shared/config';
import { isDiskFullError, UserError } from '../../shared/contract/errors';
import type { ImportReport } from '../../shared/types';
import { Workstation } from '../core/workstation';
import { damagedDatabaseMessage, defaultHome } from '../store/db';
import { datasetFor, err, exitCodeFor, exitWhenFlushed, guardOutputStreams, onStopFollowing, out, runIdArg, stopCause, UsageError, withWorkstation, type StopReason } from './common';
import { backendReport, count, estimateLine, pct, runReport, runsTable, table } from './format';
import { ProgressLines } from './progress';
import { explainFile, predictFiles } from './inference';
import { configFromFlags, flagOf, TRAIN_FLAGS, type TrainFlag } from './train-options';

const HELP = `bloombench — train, compare and diagnose CNNs on folders of images

Usage: bloombench <command> [options]

Commands:
  import <folder> [--name N] [--seed S] [--rescan] [--json]
                                                   import an image folder (one sub-folder per class);
                                                   --rescan imports a folder imported before again
  datasets [--json]                                list imported datasets
  sample-data <dir>                                write a small generated 5-class image folder
  models [<id>] [--summary] [--json]               list the model zoo, or one model's layers
  backend [--json]                                 the compute backend auto picks here (and the GPU adapter), and why not the better ones
  train --dataset <id|name|folder> --arch <id> [options] [--json]
                                                   train a run (see 'bloombench train --help')
  runs [--json]                                    list runs
  show <run> [--json]                              a run's config, epochs, diagnostics, test metrics and calibration
  compare <run> <run>... [--json]                  McNemar's test on the same test images, 95% intervals over seeds
  suspects <dataset> [--runs A,B] [--json]         test images whose label the runs contradict (confident learning)
  labels <dataset> [relabel|exclude|restore <image>… [--class C]] [--json]
                                                   fix labels reversibly (a new dataset version); no action: the history
  predict <run> <image>... [--json]                classify images with a finished run
  explain <run> <image> [--class C] <out.png> [--json]
                                                   Grad-CAM: where in the image the evidence for C
                                                   (default: the predicted class) lies, as an overlay
  export <run> <dir>                               write the run's model (TensorFlow.js layers format)
  resume <run> [--json]                            continue an interrupted run from its last checkpoint
  delete <run>                                     delete a run
  serve [--host 127.0.0.1] [--port N] [--allow-import DIR]...
                                                   serve the app to a browser; it may import folders
                                                   under your home, or only under the DIRs given
  study create|list|run|pause|extend|show|curves|export|failures|diff|delete …
                                                   a grid of runs (see 'bloombench study --help')
  report <study|run>... <file.html>                a self-contained HTML report of a study or runs
  weights list|get|convert …                       torchvision's ImageNet weights (see 'bloombench weights --help')

Global options:
  --home DIR    where the run database, caches and checkpoints live
                (default: $BLOOMBENCH_HOME or ${defaultHome()})
  -h, --help    show help
`;

function trainHelp(): string {
  const rows = Object.entries(TRAIN_FLAGS).map(([flag, spec]) => {
    const def = (DEFAULT_CONFIG as unknown as Record<string, unknown>)[spec.field];
    const shown = typeof def === 'object' ? (Array.isArray(def) ? def.join(',') || 'none' : 'constant') : String(def);
    return `  --${flag.padEnd(16)} ${spec.help} (default ${shown})`;
  });
  const augmentations = AUGMENTATIONS.map((a) => `  ${a.padEnd(14)} ${AUGMENTATION_INFO[a]}`);
  return `Usage: bloombench train --dataset <id|name|folder> --arch <id> [options]\n\nOptions:\n  --dataset          dataset id, name, or a folder to import first\n  --name             a name for the run\n${rows.join('\n')}\n  --json             print JSON lines (one per epoch) and the run as the last line\n\nAugmentations (--augment, training batches only):\n${augmentations.join('\n')}\n`;
}

function printImportReport(r: ImportReport): void {
  out(`Dataset ${r.datasetId} "${r.name}" from ${r.root}`);
  if (r.rescanOf) {
    const was = `dataset ${r.rescanOf.datasetId} "${r.rescanOf.name}"`;
    out(r.rescanOf.kept ? `Re-scanned: a new dataset; ${was} stays for its ${r.rescanOf.runs} run(s).` : `Re-scanned: replaces ${was}, which no run used.`);
  }
  out(`${r.total} images in ${r.classes.length} classes (split ${r.split.train} train / ${r.split.val} val / ${r.split.test} test${r.presplit ? ', test split from the folder' : ''}), ${r.seconds.toFixed(1)} s`);
  out('');
  const max = Math.max(...r.classes.map((c) => c.count));
  out(table(['class', 'images', ''], r.classes.map((c) => [c.name, c.count, '█'.repeat(Math.max(1, Math.round((20 * c.count) / max)))])));
  const s = r.imageSizes;
  out('');
  out(`Image sizes: ${s.minWidth}–${s.maxWidth} × ${s.minHeight}–${s.maxHeight} px (median ${s.medianWidth}×${s.medianHeight}); ${r.grayscale} grayscale`);
  if (r.emptyClasses.length) out(`Left out (no readable image): ${r.emptyClasses.join(', ')}`);
  if (r.rejected.length) {
    out('');
    out(`${r.rejected.length} file(s) could not be used:`);
    for (const f of r.rejected.slice(0, 50)) out(`  ${f.path}: ${f.message}`);
    out(`  ${r.rejected.length > 50 ? `… and ${r.rejected.length - 50} more; ` : ''}--json lists every file with the decoder's detail`);
  }
  const conflicts = r.duplicates.filter((d) => d.labelConflict);
  const plain = r.duplicates.filter((d) => !d.labelConflict);
  if (conflicts.length) {
    out('');
    out(`${conflicts.length} label conflict(s): the same picture under different classes:`);
    for (const d of conflicts) out(`  ${d.paths.join('  ==  ')}  (${d.classes.join(' vs ')})`);
  }
  if (plain.length) {
    out('');
    out(`${plain.length} group(s) of identical files within one class:`);
    for (const d of plain.slice(0, 20)) out(`  ${d.paths.join('  ==  ')}`);
  }
}

async function cmdTrain(args: string[], home: string | undefined): Promise<number> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { dataset: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } };
  for (const flag of Object.keys(TRAIN_FLAGS)) options[flag] = { type: 'string' };
  const { values } = parseArgs({ args, options, allowPositionals: false, strict: true });
  if (values.help) {
    out(trainHelp());
    return 0;
  }
  const json = Boolean(values.json);
  if (!values.dataset) throw new UsageError('train needs --dataset <id|name|folder> (bloombench datasets lists them).');
  if (!values.arch) {
    const models = await withWorkstation(home, (ws) => ws.listModels());
    throw new UsageError(`train needs --arch <id>; one of: ${models.map((m) => m.id).join(', ')}`);
  }
  const flagValues: Partial<Record<TrainFlag, string>> = {};
  for (const flag of Object.keys(TRAIN_FLAGS) as TrainFlag[]) if (values[flag] !== undefined) flagValues[flag] = String(values[flag]);
  let config;
  try {
    config = configFromFlags(flagValues);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return withWorkstation(home, async (ws) => {
    const datasetId = await datasetFor(ws, String(values.dataset), json);
    let run;
    try {
      run = await ws.startRun(datasetId, config, { name: values.name ? String(values.name) : undefined, flagOf });
    } catch (e) {
      // A refused setting is a usage error (exit 2); a full disk or a broken store is not.
      if (e instanceof UserError && e.kind !== 'disk-full') throw new UsageError(e.message);
      throw e;
    }
    return followRun(ws, run.id, json);
  });
}

/**
 * Streams a run's progress to the terminal until it ends; returns the exit code. Ctrl-C,
 * SIGTERM, a closed terminal (SIGHUP) or a closed output pipe cancel the run (it keeps its
 * checkpoints; `bloombench resume` continues it); a second one leaves at once.
 */
async function followRun(ws: Workstation, id: number, json: boolean): Promise<number> {
  const tty = process.stderr.isTTY && !json;
  const lines = new ProgressLines({ tty, json, indent: '', learningRate: true });
  const off = ws.onEvent((e) => {
    if (!('runId' in e) || e.runId !== id) return;
    if (e.kind === 'started' && !json) {
      err(`Run ${id}: ${e.backend.description}, ${count(e.trainableParams)} params, ${count(e.macs)} MACs, ${e.stepsPerEpoch} steps per epoch\n`);
      // The GPU is what a user hopes for: say why it was passed over.
      const gpu = e.backend.unavailable.find((u) => u.name === 'webgpu' && !e.backend.forced);
      if (gpu) err(`  not webgpu: ${gpu.reason}\n`);
      // How long it will take, from what runs here measured on the backend it got.
      const backend = e.backend.name;
      void ws
        .getRun(id)
        .then(async (r) => {
          const [est] = await ws.estimateRuns(r.datasetId, [{ ...r.config, backend }]);
          if (est) err(`${tty ? '\r\x1b[K' : ''}Estimate: ${estimateLine(est, r.config.epochs)}\n`);
        })
        .catch(() => undefined);
    }
    lines.print(e);
  });
  let stoppedBy: StopReason | null = null;
  const offStop = onStopFollowing((why) => {
    stoppedBy = why;
    err(`\n${stopCause(why)}Cancelling run ${id}… (it keeps its checkpoints; bloombench resume ${id} continues it)\n`);
    ws.cancelRun(id).catch(() => undefined);
  });
  try {
    const final = await ws.waitForRun(id);
    const detail = await ws.getRun(id);
    if (json) out(JSON.stringify(detail));
    else {
      if (tty) err('\r\x1b[K');
      out(runReport(detail));
    }
    if (final.status !== 'completed') {
      err(`Run ${id} ${final.status}${final.error ? `: ${final.error}` : ''}\n`);
      if (stoppedBy !== null) return exitCodeFor(stoppedBy);
      return final.status === 'cancelled' ? 130 : 1;
    }
    return 0;
  } finally {
    off();
    offStop();
  }
}

/** `--lr -1` would parse as two flags: turn it into `--lr=-1` so the value can be refused by name. */
function glueNegativeNumbers(argv: string[]): string[] {
  const out: string[] = [];
  for (const a of argv) {
    const prev = out[out.length - 1];
    if (/^-\d|^-\.\d/.test(a) && prev?.startsWith('--') && !prev.includes('=')) out[out.length - 1] = `${prev}=${a}`;
    else out.push(a);
  }
  return out;
}

/** The home of the command running, for messages about it. */
let currentHome: string | null = null;

export async function main(argv: string[]): Promise<number> {
  const globalIdx = argv.indexOf('--home');
  let home: string | undefined;
  if (globalIdx >= 0) {
    home = argv[globalIdx + 1];
    if (!home) throw new UsageError('--home needs a folder');
    argv = [...argv.slice(0, globalIdx), ...argv.slice(globalIdx + 2)];
  }
  currentHome = home ? path.resolve(home) : defaultHome();
  argv = glueNegativeNumbers(argv);
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    out(HELP);
    return 0;
  }
  if (cmd === '--version' || cmd === 'version') {
    out(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version);
    return 0;
  }
  switch (cmd) {
    case 'import': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { name: { type: 'string' }, seed: { type: 'string' }, val: { type: 'string' }, test: { type: 'string' }, rescan: { type: 'boolean' }, json: { type: 'boolean' } },
        allowPositionals: true,
      });
      if (positionals.length !== 1) throw new UsageError('import needs one folder: bloombench import <folder> [--name N]');
      return withWorkstation(home, async (ws) => {
        const tty = process.stderr.isTTY && !values.json;
        const known = values.rescan ? null : await ws.findImportedFolder(positionals[0]);
        if (known) {
          const folder = path.resolve(positionals[0]);
          throw new UserError(
            'conflict',
            `${folder} is already imported as "${known.name}" (dataset ${known.id}, ${known.total} images). Train on it with --dataset ${known.id}, or re-scan the folder to import what it holds now: bloombench import ${JSON.stringify(folder)} --rescan`,
          );
        }
        const report = await ws.importFolder(positionals[0], {
          rescan: Boolean(values.rescan),
          name: values.name,
          seed: values.seed === undefined ? undefined : Number(values.seed),
          valFraction: values.val === undefined ? undefined : Number(values.val),
          testFraction: values.test === undefined ? undefined : Number(values.test),
          onProgress: tty ? (done, total) => process.stderr.write(`\rReading images… ${done}/${total}\x1b[K`) : undefined,
        });
        if (tty) process.stderr.write('\r\x1b[K');
        if (values.json) out(JSON.stringify(report));
        else printImportReport(report);
        return 0;
      });
    }
    case 'datasets': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
      return withWorkstation(home, async (ws) => {
        const list = await ws.listDatasets();
        if (values.json) out(JSON.stringify(list));
        else if (!list.length) out('No datasets yet. Import one: bloombench import <folder>');
        else out(table(['id', 'name', 'classes', 'images', 'train/val/test', 'root'], list.map((d) => [d.id, d.name, d.classes.length, d.total, `${d.split.train}/${d.split.val}/${d.split.test}`, d.root])));
        return 0;
      });
    }
    case 'sample-data': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      if (positionals.length !== 1) throw new UsageError('sample-data needs a target folder: bloombench sample-data <dir>');
      const r = await Workstation.writeSampleFolder(path.resolve(positionals[0]));
      out(`Wrote ${r.count} images in ${r.classes.length} classes (${r.classes.join(', ')}) to ${path.resolve(positionals[0])}`);
      return 0;
    }
    case 'backend': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
      return withWorkstation(home, async (ws) => {
        const { selected } = await ws.backendReport();
        if (values.json) out(JSON.stringify(selected));
        else out(backendReport(selected));
        return 0;
      });
    }
    case 'models': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { json: { type: 'boolean' }, summary: { type: 'boolean' }, 'input-size': { type: 'string' }, width: { type: 'string' }, classes: { type: 'string' } },
        allowPositionals: true,
      });
      return withWorkstation(home, async (ws) => {
        if (positionals.length) {
          let info;
          try {
            info = await ws.listModels().then((all) => all.find((m) => m.id === positionals[0]) ?? Promise.reject(new Error(`unknown model "${positionals[0]}"; valid ids are: ${all.map((m) => m.id).join(', ')}`)));
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
          if (values.summary) {
            out(
              await ws.modelSummary(info.id, {
                inputSize: values['input-size'] ? Number(values['input-size']) : undefined,
                width: values.width ? Number(values.width) : undefined,
                numClasses: values.classes ? Number(values.classes) : undefined,
              }),
            );
          } else if (values.json) out(JSON.stringify(info));
          else out(`${info.id} (${info.family}): ${info.title}\n${info.description}\n${count(info.trainableParams)} trainable params, ${count(info.macs)} MACs at ${info.inputShape.join('×')}; reference: ${info.reference}`);
          return 0;
        }
        const infos = await ws.listModels();
        if (values.json) out(JSON.stringify(infos));
        else
          out(
            table(
              ['id', 'family', 'trainable params', 'total params', 'MACs', 'input', 'min input'],
              infos.map((m) => [m.id, m.family, m.trainableParams.toLocaleString('en-US'), m.totalParams.toLocaleString('en-US'), count(m.macs), m.inputShape.join('×'), m.minInputSize]),
            ),
          );
        return 0;
      });
    }
    case 'train':
      return cmdTrain(rest, home);
    case 'runs': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
      return withWorkstation(home, async (ws) => {
        const runs = await ws.listRuns();
        if (values.json) out(JSON.stringify(runs));
        else out(runs.length ? runsTable(runs) : 'No runs yet. Start one: bloombench train --dataset <id> --arch resnet18');
        return 0;
      });
    }
    case 'show': {
      const { values, positionals } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, allowPositionals: true });
      const id = runIdArg(positionals[0]);
      return withWorkstation(home, async (ws) => {
        const d = await ws.getRun(id);
        out(values.json ? JSON.stringify(d) : runReport(d));
        return 0;
      });
    }
    case 'predict': {
      const { values, positionals } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, allowPositionals: true });
      const id = runIdArg(positionals[0]);
      if (positionals.length < 2) throw new UsageError('predict needs a run and at least one image: bloombench predict <run> <image>...');
      return withWorkstation(home, async (ws) => {
        const results = await predictFiles(ws, id, positionals.slice(1));
        if (values.json) out(JSON.stringify(results));
        else
          for (const r of results) {
            if ('error' in r) out(`${r.file}: ${r.error}`);
            else out(`${r.file}: ${r.predictedClass} (${pct(r.probability)})  ${r.classes.map((c, i) => `${c} ${pct(r.probabilities[i])}`).join(', ')}`);
          }
        return results.some((r) => 'error' in r) ? 1 : 0;
      });
    }
    case 'explain': {
      const { values, positionals } = parseArgs({ args: rest, options: { class: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
      const id = runIdArg(positionals[0]);
      if (positionals.length !== 3) throw new UsageError('explain needs a run, an image and the PNG to write: bloombench explain <run> <image> [--class C] <out.png>');
      const [, image, target] = positionals;
      return withWorkstation(home, async (ws) => {
        const r = await explainFile(ws, id, image, values.class ?? null, target);
        const p = r.probabilities[r.classes.indexOf(r.className)];
        if (values.json) out(JSON.stringify({ file: image, overlay: path.resolve(target), className: r.className, probability: p, layer: r.layer, mapSize: r.mapSize, classes: r.classes, probabilities: r.probabilities }));
        else out(`Wrote ${path.resolve(target)}: Grad-CAM of "${r.className}" (${pct(p)}) from layer ${r.layer} (${r.mapSize[0]}×${r.mapSize[1]} map)${values.class ? '' : ', the predicted class'}`);
        return 0;
      });
    }
    case 'export': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      const id = runIdArg(positionals[0]);
      if (!positionals[1]) throw new UsageError('export needs a target folder: bloombench export <run> <dir>');
      return withWorkstation(home, async (ws) => {
        const files = await ws.exportRun(id, path.resolve(positionals[1]));
        out(`Wrote ${files.join(', ')} to ${path.resolve(positionals[1])}`);
        return 0;
      });
    }
    case 'resume': {
      const { values, positionals } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, allowPositionals: true });
      const id = runIdArg(positionals[0]);
      return withWorkstation(home, async (ws) => {
        ws.recoverInterrupted();
        await ws.resumeRun(id);
        return await followRun(ws, id, Boolean(values.json));
      });
    }
    case 'delete': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      const id = runIdArg(positionals[0]);
      return withWorkstation(home, async (ws) => {
        await ws.deleteRun(id);
        out(`Deleted run ${id}.`);
        return 0;
      });
    }
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { host: { type: 'string' }, port: { type: 'string' }, 'allow-import': { type: 'string', multiple: true } } });
      const { serveCommand } = await import('./serve');
      return serveCommand({
        home: home ? path.resolve(home) : defaultHome(),
        host: values.host ?? '127.0.0.1',
        port: values.port ? Number(values.port) : 0,
        allowImport: values['allow-import'] ?? [],
      });
    }
    // The node side of a study on Slurm: the job script runs this on each bundle (no database).
    case 'slurm-task': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      if (positionals.length !== 1) throw new UsageError('slurm-task needs one bundle folder (the job script of a study on Slurm passes it).');
      return Workstation.runBundleTask(positionals[0]);
    }
    // Studies and reports live in their own files (main/cli/study.ts, main/cli/report.ts).
    case 'study': {
      const { studyCommand } = await import('./study');
      return studyCommand(rest, home);
    }
    case 'compare':
      return (await import('./analysis')).compareCommand(rest, home);
    case 'suspects':
      return (await import('./analysis')).suspectsCommand(rest, home);
    case 'labels':
      return (await import('./analysis')).labelsCommand(rest, home);
    case 'report': {
      const { reportCommand } = await import('./report');
      return reportCommand(rest, home);
    }
    case 'weights':
      return (await import('./weights')).weightsCommand(rest, home);
    default:
      throw new UsageError(`Unknown command "${cmd}". Run 'bloombench --help' for the list.`);
  }
}

/**
 * Runs the CLI and exits with its code once its output is drained (a pipe gets all of it);
 * errors go to stderr without a stack trace.
 */
export function run(argv: string[]): void {
  guardOutputStreams();
  main(argv).then(
    (code) => exitWhenFlushed(code),
    (e: unknown) => {
      const error = e as Error & { code?: string };
      const known = e instanceof UsageError || error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL';
      const user = e instanceof UserError;
      const damaged = String(error.code ?? '').startsWith('SQLITE_CORRUPT') && currentHome ? damagedDatabaseMessage(currentHome, error.message) : null;
      err(`bloombench: ${diskFullMessage(e) ?? damaged ?? error.message}\n`);
      if (!known && !user && process.env.BLOOMBENCH_DEBUG) err(`${error.stack}\n`);
      return exitWhenFlushed(known ? 2 : 1);
    },
  );
}

/** A raw "disk full" from SQLite or the file system, said plainly with the folder it hit. */
function diskFullMessage(e: unknown): string | null {
  if (!isDiskFullError(e) || e instanceof UserError) return null;
  const where = (e as { path?: string }).path ?? currentHome ?? 'the Bloombench home folder';
  return `The disk is full: could not write to ${where}. Free some space and try again (bloombench delete <run> removes a run's checkpoints).`;
}

if (require.main === module) run(process.argv.slice(2));
