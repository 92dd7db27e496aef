/**
 * Something the user asked the core to do (start a run, create a study, pause it): whether it
 * is under way and why the last try failed, kept in one place instead of a pair per form.
 */
import { errorText } from './format';

/** One kind of request the user makes, run one at a time. */
export class Action {
  #running = $state(false);
  #error = $state<string | null>(null);

  /** Whether a request is under way. */
  get running(): boolean {
    return this.#running;
  }
  /** Why the last request failed; cleared when the next one starts. */
  get error(): string | null {
    return this.#error;
  }

  /** Runs `request`; resolves to its result, or to undefined when it threw (the reason is in `error`). */
  async run<R>(request: () => Promise<R>): Promise<R | undefined> {
    this.#running = true;
    this.#error = null;
    try {
      return await request();
    } catch (e) {
      this.#error = errorText(e);
      return undefined;
    } finally {
      this.#running = false;
    }
  }

  /** Forgets the last failure (the user dismissed it). */
  dismiss(): void {
    this.#error = null;
  }
}
