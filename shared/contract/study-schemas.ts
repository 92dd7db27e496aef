/**
 * Validators for every `StudyApi` verb's arguments, part of `apiArgSchemas` (api-schemas.ts),
 * whose `parseApiArgs` the transports apply where a call crosses a process boundary: one table
 * keyed by verb, so a verb without a validator is a type error.
 */
import { z } from 'zod';
import { CURVE_METRICS, STUDY_AXIS_KEYS, STUDY_METRICS, type StudyApi, type StudyAxis, type StudyAxisKey } from './studies';
import { trainConfigSchema } from './config';

/** The verbs a transport forwards (everything on `StudyApi` but the event subscription). */
export type StudyVerb = Exclude<keyof StudyApi, 'onStudyEvent'>;
export type StudyArgs<V extends StudyVerb> = Parameters<StudyApi[V]>;

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const axisKey = z.enum(STUDY_AXIS_KEYS as [StudyAxisKey, ...StudyAxisKey[]]);
const fieldSchemas = trainConfigSchema.shape;

/** One axis: a known setting and 1–100 values, each valid for that setting. */
export const studyAxisSchema = z
  .object({ key: axisKey, values: z.array(z.unknown()).min(1).max(100) })
  .strict()
  .superRefine((a, ctx) => {
    const field = fieldSchemas[a.key] as z.ZodType<unknown>;
    a.values.forEach((v, i) => {
      const r = field.safeParse(v);
      if (!r.success) ctx.addIssue({ code: 'custom', path: ['values', i], message: r.error.issues[0]?.message ?? 'is not valid' });
    });
  })
  .transform((a) => a as unknown as StudyAxis);

const gridOptions = z
  .object({
    rows: z.array(axisKey).max(20).optional(),
    cols: z.array(axisKey).max(20).optional(),
    metric: z.enum(STUDY_METRICS).optional(),
    rest: z.enum(['split', 'pool']).optional(),
  })
  .strict();

const selection = z.union([z.object({ runIds: z.array(id).min(1).max(1000) }).strict(), z.object({ studyId: id }).strict()]);

export const studyArgSchemas = {
  createStudy: z.tuple([
    z
      .object({
        name: z.string().min(1).max(200).optional(),
        datasetId: id,
        base: trainConfigSchema.strict(),
        axes: z.array(studyAxisSchema).max(20),
        repeats: z.number().int().min(1).max(100).optional(),
        notes: z.string().max(100_000).optional(),
      })
      .strict(),
  ]),
  listStudies: z.tuple([]),
  getStudy: z.tuple([id]),
  runStudy: z.tuple([id, z.object({ retryFailed: z.boolean().optional() }).strict().optional()]),
  pauseStudy: z.tuple([id, z.object({ cancelActive: z.boolean().optional() }).strict().optional()]),
  extendStudy: z.tuple([id, z.object({ axis: studyAxisSchema.optional(), repeats: z.number().int().min(1).max(100).optional() }).strict()]),
  updateStudy: z.tuple([id, z.object({ name: z.string().min(1).max(200).optional(), notes: z.string().max(100_000).optional() }).strict()]),
  deleteStudy: z.tuple([id]),
  studyGrid: z.tuple([id, gridOptions.optional()]),
  studyCurves: z.tuple([id, z.object({ by: axisKey.nullable().optional(), metric: z.enum(CURVE_METRICS).optional() }).strict().optional()]),
  runMetrics: z.tuple([selection]),
  failuresAcrossRuns: z.tuple([selection, z.object({ limit: z.number().int().min(0).max(10_000).optional() }).strict().optional()]),
  confusionDiff: z.tuple([id, id]),
  exportStudy: z.tuple([id, z.enum(['csv', 'markdown']), gridOptions.extend({ perRun: z.boolean().optional() }).strict().optional()]),
} satisfies { readonly [V in StudyVerb]: z.ZodType<unknown> };

/** Compile-time proof that each schema's output is a valid argument list for its verb. */
type SchemaMatchesApi = {
  [V in StudyVerb]: z.output<(typeof studyArgSchemas)[V]> extends StudyArgs<V> ? true : V;
}[StudyVerb];
const schemasMatchApi: SchemaMatchesApi = true;
void schemasMatchApi;
