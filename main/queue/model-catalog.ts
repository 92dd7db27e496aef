/**
 * The model zoo's cards as the core sees them: asked of the compute service once, then kept.
 */
import type { ModelInfo } from '../../shared/types';
import type { ComputeService } from './compute-service';

/** The zoo's cards, loaded once from the compute service. */
export class ModelCatalog {
  private loading: Promise<readonly ModelInfo[]> | null = null;
  private loaded: readonly ModelInfo[] | null = null;

  constructor(private readonly service: ComputeService) {}

  /** Every variant's card (the first call starts the compute service). */
  load(): Promise<readonly ModelInfo[]> {
    this.loading ??= this.service.call('models', {}).then(
      (models) => (this.loaded = models),
      (e: unknown) => {
        this.loading = null;
        throw e;
      },
    );
    return this.loading;
  }

  /** The cards if they have been loaded, else null. */
  get now(): readonly ModelInfo[] | null {
    return this.loaded;
  }

  /** One variant's card; an unknown id is an Error that lists the valid ones. */
  async get(id: string): Promise<ModelInfo> {
    const models = await this.load();
    const m = models.find((x) => x.id === id);
    if (!m) throw new Error(`unknown model "${id}"; valid ids are: ${models.map((x) => x.id).join(', ')}`);
    return m;
  }
}
