/**
 * Incremental decimation for long chart series.
 *
 * Points go in one at a time; the output array (which the chart draws, and which is mutated in
 * place) never holds more than about `max` points. When it would, neighbouring buckets are
 * merged pairwise (their means averaged) and the bucket width doubles, so each output point is
 * the mean of `stride` consecutive inputs — for noisy batch losses that is also a fair smoothing.
 */
export interface XY {
  x: number;
  y: number;
}

export class Decimator {
  /** What the chart draws; mutated in place. */
  readonly data: XY[] = [];
  /** Inputs folded into each output point. */
  #stride = 1;
  /** Inputs in the last (still filling) output point. */
  #fill = 0;
  #count = 0;

  constructor(private readonly max = 1000) {}

  /**
   * Inputs folded into each full output point: a power of two that doubles each time the output
   * fills, so pushing n points costs O(n + max · log(n / max)) in all, O(1) amortized per point.
   */
  get stride(): number {
    return this.#stride;
  }

  /** How many points have been pushed. */
  get count(): number {
    return this.#count;
  }

  push(x: number, y: number): void {
    this.#count++;
    const v = Number.isFinite(y) ? y : NaN;
    if (this.#fill > 0 && this.#fill < this.#stride) {
      const last = this.data[this.data.length - 1];
      const n = this.#fill;
      last.x = (last.x * n + x) / (n + 1);
      last.y = (last.y * n + v) / (n + 1);
      this.#fill++;
      return;
    }
    this.data.push({ x, y: v });
    this.#fill = 1;
    if (this.data.length > this.max) this.halve();
  }

  private halve(): void {
    const d = this.data;
    const n = d.length;
    const s = this.#stride;
    let out = 0;
    let lastCount = 0;
    for (let i = 0; i < n; i += 2) {
      const ca = i === n - 1 ? this.#fill : s;
      if (i + 1 < n) {
        const cb = i + 1 === n - 1 ? this.#fill : s;
        const a = d[i];
        const b = d[i + 1];
        d[out++] = { x: (a.x * ca + b.x * cb) / (ca + cb), y: (a.y * ca + b.y * cb) / (ca + cb) };
        lastCount = ca + cb;
      } else {
        d[out++] = d[i];
        lastCount = ca;
      }
    }
    d.length = out;
    this.#stride = s * 2;
    this.#fill = lastCount;
  }

  /** Replaces everything with `points`. */
  reset(points: readonly (readonly [number, number])[]): void {
    this.data.length = 0;
    this.#stride = 1;
    this.#fill = 0;
    this.#count = 0;
    for (const [x, y] of points) this.push(x, y);
  }
}
