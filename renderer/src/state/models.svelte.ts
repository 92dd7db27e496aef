/**
 * The model zoo and the compute backend the core would use.
 */
import type { Api, BackendReport } from '@shared/contract/api';
import type { ModelInfo } from '@shared/types';
import { errorText } from '../lib/format';

export class ModelsState {
  #models = $state.raw<readonly ModelInfo[]>([]);
  #backend = $state.raw<BackendReport | null>(null);
  #error = $state<string | null>(null);
  #backendError = $state<string | null>(null);

  constructor(private readonly api: Api) {}

  get models(): readonly ModelInfo[] {
    return this.#models;
  }
  get backend(): BackendReport | null {
    return this.#backend;
  }
  get error(): string | null {
    return this.#error;
  }
  get backendError(): string | null {
    return this.#backendError;
  }

  byId(id: string): ModelInfo | null {
    return this.#models.find((m) => m.id === id) ?? null;
  }

  async load(): Promise<void> {
    await Promise.all([
      this.api.listModels().then(
        (m) => {
          this.#models = m;
          this.#error = null;
        },
        (e: unknown) => (this.#error = errorText(e)),
      ),
      this.api.backendReport().then(
        (b) => {
          this.#backend = b;
          this.#backendError = null;
        },
        (e: unknown) => (this.#backendError = errorText(e)),
      ),
    ]);
  }
}
