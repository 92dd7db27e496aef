/// <reference types="svelte" />
/**
 * The renderer's loaded values and user requests (compiled by Svelte as the app is): a stale
 * reply never overwrites a newer one, errors are kept until the next success, a reset drops
 * what is under way.
 */
import { describe, expect, it } from 'vitest';
import { Action } from '../../renderer/src/lib/action.svelte';
import { Resource } from '../../renderer/src/lib/resource.svelte';

/** A promise and the functions that settle it. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Resource', () => {
  it('keeps the newer answer when an older one comes back last', async () => {
    const r = new Resource<string>('initial');
    const slow = deferred<string>();
    const fast = deferred<string>();
    const first = r.load(() => slow.promise);
    const second = r.load(() => fast.promise);
    expect(r.loading).toBe(true);
    fast.resolve('new');
    expect(await second).toBe(true);
    expect(r.value).toBe('new');
    expect(r.loading).toBe(false);
    slow.resolve('old');
    expect(await first).toBe(false);
    expect(r.value).toBe('new');
  });

  it('keeps the value and says why a load failed, until one succeeds', async () => {
    const r = new Resource<number>(1);
    expect(r.loaded).toBe(false);
    expect(await r.load(() => Promise.reject(new Error('core is away')))).toBe(false);
    expect(r).toMatchObject({ value: 1, error: 'core is away', loading: false, loaded: true });
    expect(await r.load(async () => 2)).toBe(true);
    expect(r).toMatchObject({ value: 2, error: null });
  });

  it('ignores a stale failure too', async () => {
    const r = new Resource<number>(0);
    const slow = deferred<number>();
    const first = r.load(() => slow.promise);
    await r.load(async () => 5);
    slow.reject(new Error('late'));
    await first;
    expect(r).toMatchObject({ value: 5, error: null });
  });

  it('drops what is under way on reset', async () => {
    const r = new Resource<string | null>('study 1');
    const slow = deferred<string>();
    const pending = r.load(() => slow.promise);
    r.reset(null, 'Pick two different runs.');
    expect(r).toMatchObject({ value: null, error: 'Pick two different runs.', loading: false });
    slow.resolve('study 1 again');
    expect(await pending).toBe(false);
    expect(r.value).toBeNull();
  });
});

describe('Action', () => {
  it('is running while the request is, and keeps why it failed until the next try', async () => {
    const a = new Action();
    const d = deferred<number>();
    const done = a.run(() => d.promise);
    expect(a.running).toBe(true);
    d.resolve(7);
    expect(await done).toBe(7);
    expect(a.running).toBe(false);
    expect(await a.run(() => Promise.reject(new Error('refused')))).toBeUndefined();
    expect(a.error).toBe('refused');
    a.dismiss();
    expect(a.error).toBeNull();
  });
});
