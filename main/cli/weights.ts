/**
 * `bloombench weights list | get <arch>… | convert <arch> <file|imagenet> <dir>`: torchvision's
 * ImageNet weights — which variants have them and whether they are on disk, downloading them
 * (with a progress bar, resumable), and writing the whole ImageNet model in TensorFlow.js
 * layers format.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NO_PRETRAINED_REASON, pretrainedFor } from '../../shared/pretrained';
import { out, UsageError, withWorkstation } from './common';
import { duration, table } from './format';

const HELP = `Usage: bloombench weights <command>

torchvision's published ImageNet weights (IMAGENET1K_V1), kept in <home>/weights/.

Commands:
  list [--json]                          which architectures have weights, and which are on disk
  get <arch>... [--json]                 download them (resumes a cut download; checks the SHA-256)
  convert <arch> <file|imagenet> <dir> [--softmax] [--input-size N] [--json]
                                         write the whole ImageNet model (1000 classes, logits, or
                                         softmax with --softmax) in TensorFlow.js layers format:
                                         tf.loadLayersModel reads it with no Bloombench code; its
                                         input is NHWC RGB normalised with ImageNet mean/std, as
                                         metadata.json says (default input 224, 299 for inception_v3)

Without network: 'get' says which URL to fetch by hand and where to put the file.
$BLOOMBENCH_WEIGHTS_URL downloads from a mirror instead (the same file names under one URL).
`;

function mb(n: number | null): string {
  return n === null ? '—' : `${(n / 1e6).toFixed(1)} MB`;
}

/** A terminal progress bar for a download, drawn at most every 100 ms. */
function progressBar(name: string): { update(received: number, total: number | null): void; done(): void } {
  const tty = process.stderr.isTTY;
  const start = Date.now();
  let last = 0;
  let shownTenth = -1;
  let first: number | null = null;
  return {
    update(received, total) {
      first ??= received;
      const now = Date.now();
      const rate = ((received - first) / Math.max(1, now - start)) * 1000;
      if (tty) {
        if (now - last < 100 && received !== total) return;
        last = now;
        const width = 24;
        const frac = total ? Math.min(1, received / total) : 0;
        const fill = Math.round(frac * width);
        const eta = total && rate > 0 ? `  ETA ${duration((total - received) / rate)}` : '';
        process.stderr.write(`\r${name} [${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${total ? `${Math.floor(frac * 100)}%` : ''}  ${mb(received)}${total ? ` / ${mb(total)}` : ''}  ${mb(rate)}/s${eta}\x1b[K`);
      } else if (total) {
        const tenth = Math.floor((10 * received) / total);
        if (tenth !== shownTenth) {
          shownTenth = tenth;
          process.stderr.write(`${name}: ${tenth * 10}% (${mb(received)} of ${mb(total)})\n`);
        }
      }
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

/** The `weights` command; returns the exit code. */
export async function weightsCommand(args: readonly string[], home: string | undefined): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    out(HELP);
    return 0;
  }
  switch (sub) {
    case 'list': {
      const { values } = parseArgs({ args: [...rest], options: { json: { type: 'boolean' } } });
      return withWorkstation(home, async (ws) => {
        const list = await ws.listWeights();
        if (values.json) {
          out(JSON.stringify(list));
          return 0;
        }
        out(
          table(
            ['arch', 'weights', 'ImageNet top-1', 'on disk', 'file'],
            list.map((w) => [w.arch, w.title, `${w.top1.toFixed(1)}%`, w.bytes !== null ? mb(w.bytes) : w.partialBytes !== null ? `partial ${mb(w.partialBytes)}` : 'no', w.bytes !== null ? w.file : w.url]),
          ),
        );
        out('');
        out('No ImageNet weights:');
        for (const [arch, reason] of Object.entries(NO_PRETRAINED_REASON)) out(`  ${arch}: ${reason}`);
        return 0;
      });
    }
    case 'get': {
      const { values, positionals } = parseArgs({ args: [...rest], options: { json: { type: 'boolean' } }, allowPositionals: true });
      if (!positionals.length) throw new UsageError('weights get needs an architecture: bloombench weights get resnet18 (bloombench weights list shows them)');
      for (const arch of positionals) if (!pretrainedFor(arch)) throw new UsageError(`${arch} has no ImageNet weights: ${NO_PRETRAINED_REASON[arch] ?? 'bloombench weights list shows the architectures that have them'}.`);
      return withWorkstation(home, async (ws) => {
        const got: { arch: string; file: string; sha256: string }[] = [];
        for (const arch of positionals) {
          const bar = progressBar(`${arch}`);
          try {
            const r = await ws.downloadWeights(arch, (p) => bar.update(p.received, p.total));
            got.push({ arch, ...r });
          } finally {
            bar.done();
          }
          if (!values.json) out(`${arch}: ${got[got.length - 1].file} (sha256 ${got[got.length - 1].sha256})`);
        }
        if (values.json) out(JSON.stringify(got));
        return 0;
      });
    }
    case 'convert': {
      const { values, positionals } = parseArgs({
        args: [...rest],
        options: { json: { type: 'boolean' }, softmax: { type: 'boolean' }, 'input-size': { type: 'string' } },
        allowPositionals: true,
      });
      if (positionals.length !== 3) throw new UsageError('weights convert needs an architecture, a weights file (or imagenet) and a folder: bloombench weights convert resnet18 resnet18.pth out/');
      const [arch, source, dir] = positionals;
      if (!pretrainedFor(arch)) throw new UsageError(`${arch} has no torchvision layout to convert: ${NO_PRETRAINED_REASON[arch] ?? 'bloombench weights list shows the architectures that have one'}.`);
      let inputSize: number | undefined;
      if (values['input-size'] !== undefined) {
        inputSize = Number(values['input-size']);
        if (!Number.isInteger(inputSize) || inputSize <= 0) throw new UsageError(`--input-size: "${values['input-size']}" must be a whole number of pixels`);
      }
      return withWorkstation(home, async (ws) => {
        const bar = progressBar(arch);
        let r;
        try {
          r = await ws.convertWeights(arch, source === 'imagenet' ? 'imagenet' : path.resolve(source), dir, { inputSize, softmax: Boolean(values.softmax), onProgress: (p) => bar.update(p.received, p.total) });
        } finally {
          bar.done();
        }
        if (values.json) out(JSON.stringify({ arch, dir: path.resolve(dir), ...r }));
        else out(`Wrote ${r.files.join(', ')} to ${path.resolve(dir)}: ${arch} with ${r.weights.title} (sha256 ${r.weights.sha256.slice(0, 12)}…), input ${r.inputSize}×${r.inputSize}×3, ${values.softmax ? 'softmax' : 'logits'}.`);
        return 0;
      });
    }
    default:
      throw new UsageError(`Unknown weights command "${sub}": list, get or convert (bloombench weights --help).`);
  }
}
