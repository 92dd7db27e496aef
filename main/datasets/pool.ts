/**
 * Bounded-concurrency helpers for decode work.
 *
 * sharp runs each job on libuv's thread pool; keeping a few jobs in flight keeps the cores busy
 * without holding every decoded image in memory at once.
 */
import os from 'node:os';

/** How many decodes to keep in flight: a little more than the cores, at least 2. */
export function defaultConcurrency(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(2, Math.min(16, cores * 2));
}

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < Math.max(1, Math.min(limit, items.length)); w++) workers.push(worker());
  await Promise.all(workers);
  return results;
}

/**
 * Produces `count` items with at most `limit` in flight and hands them to `consume` strictly in
 * index order, as soon as each becomes next in line.
 *
 * At most `window` items (finished but waiting for an earlier one, or in flight) exist at any
 * time, so memory stays bounded however large `count` is.
 */
export async function orderedPipeline<R>(
  count: number,
  limit: number,
  window: number,
  produce: (index: number) => Promise<R>,
  consume: (index: number, item: R) => void,
): Promise<void> {
  const span = Math.max(limit, window);
  const ready = new Map<number, R>();
  let nextToStart = 0;
  let nextToConsume = 0;
  let error: unknown = null;
  let wake: (() => void) | null = null;
  const signal = (): void => {
    const w = wake;
    wake = null;
    if (w) w();
  };
  let inFlight = 0;
  const start = (i: number): void => {
    inFlight++;
    produce(i).then(
      (item) => {
        inFlight--;
        ready.set(i, item);
        signal();
      },
      (e: unknown) => {
        inFlight--;
        if (error === null) error = e;
        signal();
      },
    );
  };
  while (nextToConsume < count) {
    while (error === null && inFlight < limit && nextToStart < count && nextToStart < nextToConsume + span) start(nextToStart++);
    while (error === null && ready.has(nextToConsume)) {
      const item = ready.get(nextToConsume) as R;
      ready.delete(nextToConsume);
      try {
        consume(nextToConsume, item);
      } catch (e) {
        error = e;
        break;
      }
      nextToConsume++;
    }
    if (error !== null) {
      // Let the jobs still in flight settle so no decode outlives the call.
      while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
      throw error;
    }
    if (nextToConsume >= count) break;
    if (inFlight < limit && nextToStart < count && nextToStart < nextToConsume + span) continue;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}
