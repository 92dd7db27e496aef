/**
 * Validators for every `Api` verb's arguments, applied where a call crosses a process
 * boundary (the HTTP server and the Electron IPC handlers).
 *
 * One table, keyed by verb (`verbs.ts` lists them): a listed verb without a validator here is a
 * type error, so neither transport can forget to validate it.
 */
import { z } from 'zod';
import { API_VERBS, type ApiArgs, type ApiVerb } from './verbs';
import { studyArgSchemas } from './study-schemas';
import { slurmArgSchemas } from './slurm';
import { analysisArgSchemas } from './analysis';
import { labelsArgSchemas } from './labels';
import { trainConfigSchema } from './config';
import { ValidationError } from './errors';

export { ValidationError };
export { API_VERBS, isApiVerb, type ApiArgs, type ApiResult, type ApiVerb } from './verbs';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const split = z.enum(['train', 'val', 'test']);
const shortText = z.string().max(200);
/** A zoo variant id (`resnet18`, `googlenet_tv`). */
const archId = z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be an architecture id such as resnet18');

/** Decodes base64 with the platform's `atob` (Node ≥ 16 and every browser). */
function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Binary payloads: a `Uint8Array` over IPC (structured clone), or `{ "$bytes": base64 }` in
 * JSON over HTTP; both arrive as a `Uint8Array`.
 */
export const bytesSchema = z.union([
  z.instanceof(Uint8Array),
  z.object({ $bytes: z.base64().max(64 * 1024 * 1024) }).transform(({ $bytes }) => fromBase64($bytes)),
]);

/** A folder the user picked or typed: absolute path, no NUL bytes. */
const folderPath = z
  .string()
  .min(1, 'is empty')
  .max(4096)
  .refine((s) => !s.includes('\0'), 'contains a NUL byte');

/** Zod tuples for each verb's arguments, with optional trailing arguments allowed to be absent. */
export const apiArgSchemas = {
  listDatasets: z.tuple([]),
  importDataset: z.tuple([
    folderPath,
    // JSON carries a skipped name as null when options follow it.
    z.union([shortText.min(1), z.null().transform(() => undefined)]).optional(),
    z.object({ rescan: z.boolean().optional() }).strict().optional(),
  ]),
  findImportedFolder: z.tuple([folderPath]),
  getImportReport: z.tuple([id]),
  importSampleDataset: z.tuple([]),
  listImages: z.tuple([
    id,
    z
      .object({
        split: split.optional(),
        classIndex: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(100_000).optional(),
      })
      .strict()
      .optional(),
  ]),
  deleteDataset: z.tuple([id]),
  listModels: z.tuple([]),
  backendReport: z.tuple([]),
  listWeights: z.tuple([]),
  downloadWeights: z.tuple([archId]),
  estimateRuns: z.tuple([
    id.nullable(),
    z
      .array(
        z
          .object({ arch: trainConfigSchema.shape.arch, inputSize: trainConfigSchema.shape.inputSize, width: trainConfigSchema.shape.width, epochs: trainConfigSchema.shape.epochs, backend: trainConfigSchema.shape.backend })
          .strict(),
      )
      .max(500),
  ]),
  estimateStudy: z.tuple([id]),
  startRun: z.tuple([
    id,
    trainConfigSchema.strict(),
    z.object({ name: shortText.optional(), queue: z.boolean().optional() }).strict().optional(),
  ]),
  cancelRun: z.tuple([id]),
  resumeRun: z.tuple([id]),
  listRuns: z.tuple([]),
  getRun: z.tuple([id]),
  updateRun: z.tuple([
    id,
    z
      .object({
        name: shortText.min(1, 'must not be empty').optional(),
        notes: z.string().max(100_000).optional(),
        tags: z.array(z.string().min(1).max(64)).max(64).optional(),
      })
      .strict(),
  ]),
  deleteRun: z.tuple([id]),
  runSeries: z.tuple([id, z.array(z.string().min(1).max(64)).max(32)]),
  predictions: z.tuple([id]),
  classifyImage: z.tuple([id, bytesSchema]),
  // The class may be null ("the predicted one"); a trailing null is dropped before parsing, so it comes back here.
  explainImage: z.tuple([id, bytesSchema, z.string().min(1).nullable().optional()]).transform(([runId, image, className]): [number, Uint8Array, string | null] => [runId, image, className ?? null]),
  // Studies: the validators of main/studies/contract.ts, one per `StudyApi` verb.
  ...studyArgSchemas,
  // Studies on Slurm: shared/contract/slurm.ts.
  ...slurmArgSchemas,
  // Comparing runs and label suspects: shared/contract/analysis.ts.
  ...analysisArgSchemas,
  // Label edits and dataset versions: shared/contract/labels.ts.
  ...labelsArgSchemas,
} satisfies { readonly [V in ApiVerb]: z.ZodType<unknown> };

/** Names an argument path the way a reader would: `args[1].batchSize`. */
function pathText(path: readonly PropertyKey[]): string {
  let out = 'args';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}

/**
 * Checks one verb's arguments; returns them typed, or throws a `ValidationError` naming the
 * offending field.
 *
 * Trailing `undefined` / `null` arguments are dropped first, so that optional arguments may be
 * omitted or sent as `null` by JSON clients.
 */
export function parseApiArgs<V extends ApiVerb>(verb: V, raw: unknown): ApiArgs<V> {
  if (!Array.isArray(raw)) throw new ValidationError(verb, [{ path: 'args', message: 'must be an array of arguments' }]);
  const args = [...raw];
  while (args.length > 0 && (args[args.length - 1] === undefined || args[args.length - 1] === null)) args.pop();
  const schema: z.ZodType<unknown> = apiArgSchemas[verb];
  const result = schema.safeParse(args);
  if (!result.success) {
    throw new ValidationError(
      verb,
      result.error.issues.map((i) => {
        // A tuple of the wrong length: say which argument is missing or extra.
        if (i.path.length === 0 && i.code === 'too_small') return { path: `args[${args.length}]`, message: 'is missing' };
        if (i.path.length === 0 && i.code === 'too_big') return { path: `args[${args.length - 1}]`, message: `is one argument too many for ${verb}` };
        return { path: pathText(i.path), message: i.message };
      }),
    );
  }
  return result.data as ApiArgs<V>;
}

/** Compile-time proof that each schema's output is a valid argument list for its verb. */
type SchemaMatchesApi = {
  [V in ApiVerb]: z.output<(typeof apiArgSchemas)[V]> extends ApiArgs<V> ? true : V;
}[ApiVerb];
const schemasMatchApi: SchemaMatchesApi = true;
void schemasMatchApi;

/** Compile-time proof that the table has exactly the listed verbs. */
const tableCoversVerbs: Exclude<(typeof API_VERBS)[number], keyof typeof apiArgSchemas> extends never ? true : false = true;
void tableCoversVerbs;
