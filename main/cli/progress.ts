/**
 * The terminal lines of a training run as it goes, shared by `train`/`resume` and `study run`:
 * a progress bar redrawn in place on a terminal, a line per epoch, and the run's diagnostics
 * and log lines. JSON output gets one object per epoch instead.
 */
import type { RunEvent } from '../../shared/contract/events';
import { err, out } from './common';
import { pct, progressLine } from './format';

export interface ProgressOptions {
  /** Redraw the progress bar in place (stderr is a terminal and the output is not JSON). */
  readonly tty: boolean;
  readonly json: boolean;
  /** Put before every line (a study's runs are indented under their cell). */
  readonly indent: string;
  /** Print the epoch's learning rate. */
  readonly learningRate: boolean;
  /** Added to every JSON epoch object (the study id, say). */
  readonly jsonFields?: Readonly<Record<string, unknown>>;
}

export class ProgressLines {
  private steps = 1;
  private epochs = 1;
  private lastDraw = 0;

  constructor(private readonly o: ProgressOptions) {}

  /** What starts a line: clears a progress bar drawn in place. */
  get clear(): string {
    return this.o.tty ? '\r\x1b[K' : '';
  }

  /** Prints `e` if it is a batch, an epoch's end, a diagnostic, a log line or the cache's count; true if it was. */
  print(e: RunEvent): boolean {
    const { tty, json, indent } = this.o;
    switch (e.kind) {
      case 'started':
        this.steps = e.stepsPerEpoch;
        this.epochs = e.epochs;
        return false;
      case 'batch':
        if (tty && Date.now() - this.lastDraw > 100) {
          this.lastDraw = Date.now();
          err(`\r${progressLine({ epoch: e.epoch, epochs: this.epochs, batch: e.batch, steps: this.steps, loss: e.loss, accuracy: e.accuracy, ips: e.imagesPerSecond, eta: e.etaSeconds })}\x1b[K`);
        }
        return true;
      case 'epoch-end': {
        const m = e.metrics;
        if (json) out(JSON.stringify({ event: 'epoch', ...this.o.jsonFields, runId: e.runId, ...m, best: e.best }));
        else {
          const lr = this.o.learningRate ? `  lr ${m.learningRate.toPrecision(3)}` : '';
          err(
            `${this.clear}${indent}epoch ${m.epoch}/${this.epochs}  loss ${m.trainLoss.toFixed(4)}  acc ${pct(m.trainAccuracy)}  val loss ${m.valLoss?.toFixed(4) ?? '—'}  val acc ${pct(m.valAccuracy)}${lr}  ${m.imagesPerSecond.toFixed(0)} img/s  ${m.seconds.toFixed(1)}s${e.best ? '  *best' : ''}\n`,
          );
        }
        return true;
      }
      case 'diagnostic':
        if (!json) err(`${this.clear}${indent}! ${e.diagnostic.message}\n`);
        return true;
      case 'log':
        if (!json) err(`${this.clear}${indent}${e.message}\n`);
        return true;
      case 'preparing':
        // The cache's count on one line that redraws (a terminal only; a pipe has the log line).
        if (tty) err(`\r${indent}  ${e.done.toLocaleString('en-US')} / ${e.total.toLocaleString('en-US')} images\x1b[K${e.done === e.total ? '\n' : ''}`);
        return tty;
      default:
        return false;
    }
  }
}
