/**
 * Label suspects of the open dataset: the test images whose label its runs confidently
 * contradict (confident learning in the core, `labelSuspects`).
 */
import type { Api } from '@shared/contract/api';
import type { LabelSuspects } from '@shared/contract/analysis';
import { Resource } from '../../lib/resource.svelte';

/** Suspects listed per page of the gallery. */
export const SUSPECTS_PAGE = 24;

/** The suspects of one dataset, loaded when it is opened. */
export class SuspectsState {
  readonly result = new Resource<LabelSuspects | null>(null);
  #datasetId = $state<number | null>(null);
  /** How many suspects the gallery shows. */
  shown = $state(SUSPECTS_PAGE);

  constructor(private readonly api: Api) {}

  get datasetId(): number | null {
    return this.#datasetId;
  }

  /** Ranks the suspects of a dataset (again, when it is the open one: new runs may have finished). */
  async open(datasetId: number): Promise<void> {
    if (this.#datasetId !== datasetId) {
      this.result.reset(null);
      this.shown = SUSPECTS_PAGE;
    }
    this.#datasetId = datasetId;
    await this.result.load(() => this.api.labelSuspects(datasetId, { limit: 500 }));
  }

  more(): void {
    this.shown += SUSPECTS_PAGE;
  }
}
