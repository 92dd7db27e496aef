/**
 * The model zoo and the compute backend the core would use.
 */
import type { Api, BackendReport } from '@shared/contract/api';
import type { ModelInfo } from '@shared/types';
import { Resource } from '../lib/resource.svelte';

/** The architectures the core offers and the backend report, loaded once at start. */
export class ModelsState {
  readonly list = new Resource<readonly ModelInfo[]>([]);
  readonly backend = new Resource<BackendReport | null>(null);

  constructor(private readonly api: Api) {}

  byId(id: string): ModelInfo | null {
    return this.list.value.find((m) => m.id === id) ?? null;
  }

  async load(): Promise<void> {
    await Promise.all([this.list.load(() => this.api.listModels()), this.backend.load(() => this.api.backendReport())]);
  }
}
