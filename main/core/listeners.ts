/**
 * The listeners of one event source (the run queue, studies, Slurm, the weights folder, the
 * Workstation): `add` subscribes, `emit` tells every listener.
 */
export class Listeners<E> {
  private readonly listeners = new Set<(e: E) => void>();

  /** Subscribes `listener`; returns the unsubscribe function. */
  add(listener: (e: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls every listener with `e`; one that throws stops neither the others nor the caller's work. */
  emit(e: E): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A broken view must not stop training, a study, a collect or a download.
      }
    }
  }
}
