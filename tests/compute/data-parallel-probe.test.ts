/**
 * The data-parallel design that bench/data-parallel-probe.ts measures: two wasm replicas in
 * worker threads, half the batch each, gradients averaged through a SharedArrayBuffer.
 */
import { describe, expect, it } from 'vitest';
import { runReplicas } from '../../bench/data-parallel-probe';

describe('data-parallel wasm training (probe)', () => {
  it('averages half-batch gradients to the whole-batch gradients and keeps the replicas identical', async () => {
    // LeNet-5 has no batch norm, so the mean of the two half-batch gradients is the gradient of
    // the whole batch (the loss is a mean over the batch).
    const [one] = await runReplicas('lenet5', 8, 1, 1);
    const two = await runReplicas('lenet5', 8, 1, 2);
    const g1 = one.firstGrads as Float32Array;
    const g2 = two[0].firstGrads as Float32Array;
    expect(g2.length).toBe(g1.length);
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < g1.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(g1[i] - g2[i]));
      maxAbs = Math.max(maxAbs, Math.abs(g1[i]));
    }
    expect(maxAbs).toBeGreaterThan(0);
    expect(maxDiff).toBeLessThan(1e-5 * Math.max(1, maxAbs));
    // One identical Adam step in both replicas: bit-identical weights.
    expect(two[0].checksum).toBe(two[1].checksum);
    expect(Math.abs(two[0].checksum - one.checksum)).toBeLessThan(1e-6 * one.checksum);
  });
});
