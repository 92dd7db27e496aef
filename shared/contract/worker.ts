/**
 * Messages between the core and a training worker, with the validators each side applies
 * to what it receives.
 */
import { z } from 'zod';
import type { TrainConfig } from '../config';
import { trainConfigSchema } from './config';
import { runEventSchema, type RunEvent } from './events';

const indexList = z.array(z.number().int().min(0));

export const workerJobSchema = z.object({
  runId: z.number().int().positive(),
  config: trainConfigSchema,
  classes: z.array(z.string()).min(2),
  cache: z.object({ file: z.string(), size: z.number().int(), channels: z.union([z.literal(1), z.literal(3)]), recordBytes: z.number().int() }),
  /** Record indices into the cache file, and their labels. */
  train: z.object({ records: indexList, labels: indexList }),
  val: z.object({ records: indexList, labels: indexList }),
  test: z.object({ records: indexList, labels: indexList, imageIds: indexList }),
  runDir: z.string(),
  resume: z.object({ dir: z.string(), epoch: z.number().int().min(1) }).nullable(),
});
export type WorkerJob = Omit<z.infer<typeof workerJobSchema>, 'config'> & { readonly config: TrainConfig };

/** Core → worker. */
export const workerRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), job: workerJobSchema }),
  z.object({ type: z.literal('cancel') }),
]);
export type WorkerRequest = { readonly type: 'start'; readonly job: WorkerJob } | { readonly type: 'cancel' };

/** Worker → core. */
export const workerMessageSchema = z.object({ type: z.literal('event'), event: runEventSchema });
export type WorkerMessage = { readonly type: 'event'; readonly event: RunEvent };

/** Formats a zod error as "field: problem; field: problem". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
}
