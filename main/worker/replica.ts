/**
 * Entry point of a data-parallel replica thread (ranks 1…world-1; see `data-parallel.ts`):
 * its own tfjs backend, model and optimizer, driven by rank 0's messages.
 */
import * as tf from '@tensorflow/tfjs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../compute/backend';
import { loadWeightsIntoSync, restoreCheckpoint } from './checkpoint';
import { Replica, type ReplicaCommand, type ReplicaSetup } from './data-parallel';
import { buildRunModel, setBackboneFrozen } from './fine-tune';
import { makeOptimizer } from './step';

async function start(setup: ReplicaSetup, port: NonNullable<typeof parentPort>): Promise<void> {
  tf.enableProdMode();
  await initBackend(setup.backend);
  const { model, pretrainedLayers } = buildRunModel(setup.config, setup.build, setup.weights);
  setBackboneFrozen(model, pretrainedLayers, setup.frozen);
  const optimizer = makeOptimizer(setup.config);
  if (setup.resumeDir) await restoreCheckpoint(model, setup.restoreOptimizer ? optimizer : null, setup.resumeDir);
  const replica = new Replica(setup.rank, setup.world, model, optimizer, setup.config, setup.buffers, pretrainedLayers);
  replica.adoptWeights();
  port.on('message', (cmd: ReplicaCommand) => {
    try {
      switch (cmd.type) {
        case 'step': {
          const [x, y] = tf.tidy(() => [tf.tensor4d(cmd.x, cmd.shape as [number, number, number, number]), tf.oneHot(tf.tensor1d(cmd.labels, 'int32'), cmd.k)]);
          try {
            replica.step(x, y, cmd.scale, cmd.lr);
          } finally {
            tf.dispose([x, y]);
          }
          break;
        }
        case 'statistics':
          replica.averageStatistics();
          break;
        case 'infer': {
          const x = tf.tensor4d(cmd.x, cmd.shape as [number, number, number, number]);
          try {
            replica.infer(x, cmd.row);
          } finally {
            x.dispose();
          }
          break;
        }
        case 'load':
          loadWeightsIntoSync(model, cmd.dir);
          replica.barrier();
          break;
        case 'stop':
          port.close();
          break;
      }
    } catch (e) {
      replica.fail(`training thread ${setup.rank + 1} failed: ${(e as Error).message}`);
      port.close();
    }
  });
  port.postMessage({ ready: true });
}

if (!isMainThread && parentPort && (workerData as Partial<ReplicaSetup> | null)?.replica === true) {
  const port = parentPort;
  start(workerData as ReplicaSetup, port).catch((e: unknown) => port.postMessage({ error: (e as Error).message ?? String(e) }));
}
