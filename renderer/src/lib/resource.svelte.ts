/**
 * A value the renderer loads from the core, with why its latest load failed and whether one is
 * under way: the one place the views' "value, error, loading" triples are kept.
 */
import { errorText } from './format';

/**
 * A loaded value.
 *
 * Every `load` takes a ticket; an answer that comes back after a newer load (or a `reset`) was
 * started is dropped, so a slow older reply never overwrites a newer one. The value is held as
 * `$state.raw`: it is replaced, never mutated.
 */
export class Resource<T> {
  #value: T;
  #error = $state<string | null>(null);
  #loading = $state(false);
  #loaded = $state(false);
  #ticket = 0;

  constructor(initial: T) {
    this.#value = $state.raw(initial);
  }

  /** The latest value kept (the initial one until a load succeeds). */
  get value(): T {
    return this.#value;
  }
  /** Why the latest load failed; null once one succeeds. */
  get error(): string | null {
    return this.#error;
  }
  /** Whether the latest load is still under way. */
  get loading(): boolean {
    return this.#loading;
  }
  /** Whether any load has come back (with a value or an error). */
  get loaded(): boolean {
    return this.#loaded;
  }

  /**
   * Loads a new value. Resolves to true when this load's value was kept, false when it failed
   * (the reason is in `error`) or a newer load or reset came first.
   */
  async load(fetch: () => Promise<T>): Promise<boolean> {
    const ticket = ++this.#ticket;
    this.#loading = true;
    try {
      const value = await fetch();
      if (ticket !== this.#ticket) return false;
      this.#value = value;
      this.#error = null;
      return true;
    } catch (e) {
      if (ticket === this.#ticket) this.#error = errorText(e);
      return false;
    } finally {
      if (ticket === this.#ticket) {
        this.#loading = false;
        this.#loaded = true;
      }
    }
  }

  /** Replaces the value (an edit the core confirmed); a load under way still lands. */
  set(value: T): void {
    this.#value = value;
  }

  /** Drops every load under way and sets the value and the error (another item opened). */
  reset(value: T, error: string | null = null): void {
    this.#ticket++;
    this.#value = value;
    this.#error = error;
    this.#loading = false;
  }
}
