/**
 * The open study's Slurm side: whether sbatch is there, the remembered settings and the checks
 * a submission would meet, the submissions; submitting, collecting, holding, releasing and
 * cancelling; and collecting every few seconds while the study's page is open and tasks are
 * on the scheduler, so that each cell's status follows the scheduler's.
 */
import type { Api } from '@shared/contract/api';
import type { SlurmSettings, SlurmSubmission, StudySlurmInfo } from '@shared/contract/slurm';
import { Action } from '../../../lib/action.svelte';
import { errorText } from '../../../lib/format';
import { Resource } from '../../../lib/resource.svelte';

/** How often the open page asks the scheduler while tasks are on it (the core's own watch is every 15 s). */
export const SLURM_POLL_MS = 5000;

/** The Slurm side of the open study. */
export class StudySlurmState {
  readonly info = new Resource<StudySlurmInfo | null>(null);
  /** Submitting, collecting or controlling the tasks. */
  readonly action = new Action();
  /** The last submission this page made (its job id and warnings are shown). */
  #submitted = $state.raw<SlurmSubmission | null>(null);
  /** Why the last automatic collect failed (the next one may work). */
  #pollError = $state<string | null>(null);
  #studyId: number | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #polling = false;

  constructor(private readonly api: Api) {}

  get submitted(): SlurmSubmission | null {
    return this.#submitted;
  }
  get pollError(): string | null {
    return this.#pollError;
  }

  /** Loads the Slurm side of a study (another study starts from nothing). */
  async open(studyId: number): Promise<void> {
    if (this.#studyId !== studyId) {
      this.info.reset(null);
      this.#submitted = null;
      this.#pollError = null;
      this.action.dismiss();
    }
    this.#studyId = studyId;
    await this.load();
  }

  async load(): Promise<void> {
    const id = this.#studyId;
    if (id === null) return;
    await this.info.load(() => this.api.studySlurm(id));
  }

  /** Submits the cells left to run (and the failed ones with `retryFailed`) with these settings, which the core remembers. */
  async submit(settings: SlurmSettings | undefined, retryFailed = false): Promise<boolean> {
    const id = this.#studyId;
    if (id === null) return false;
    // `{}`, not undefined, for the remembered settings: over HTTP an argument left out mid-list arrives as null.
    const done = await this.action.run(() => this.api.submitStudySlurm(id, settings ?? {}, retryFailed ? { retryFailed } : undefined));
    if (done) this.#submitted = done;
    await this.load();
    return done !== undefined;
  }

  /** Asks the scheduler now and imports what ended. */
  async collect(): Promise<void> {
    const id = this.#studyId;
    if (id === null) return;
    await this.action.run(() => this.api.collectStudySlurm(id));
    await this.load();
  }

  /** Holds the pending tasks, releases them, or cancels every task. */
  async control(what: 'hold' | 'release' | 'cancel'): Promise<void> {
    const id = this.#studyId;
    if (id === null) return;
    await this.action.run(() => this.api.controlStudySlurm(id, what));
    await this.load();
  }

  /** Collects every `SLURM_POLL_MS` while tasks are open; returns the stop function (the page's `$effect` calls it). */
  startPolling(ms = SLURM_POLL_MS): () => void {
    this.stopPolling();
    this.#timer = setInterval(() => void this.poll(), ms);
    return () => this.stopPolling();
  }

  stopPolling(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  private async poll(): Promise<void> {
    const id = this.#studyId;
    const info = this.info.value;
    if (id === null || this.#polling || this.action.running || !info || info.studyId !== id || info.openTasks === 0) return;
    this.#polling = true;
    try {
      // The collect pushes study-changed: the page's grid and cells reload from that event.
      await this.api.collectStudySlurm(id);
      this.#pollError = null;
    } catch (e) {
      this.#pollError = errorText(e);
    } finally {
      this.#polling = false;
    }
    await this.load();
  }
}
