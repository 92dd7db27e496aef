/**
 * Studies that really train (wasm backend, LeNet-5 at 32 px on a tiny generated folder): one
 * run at a time through the run queue, pause and extend, and resumption after the core process
 * is killed in the middle of a study.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workstation } from '../../main/core/workstation';
import { openStore } from '../../main/store/db';
import type { TrainConfig } from '../../shared/config';
import type { RunEvent } from '../../shared/contract/events';
import { makeImageFolder } from '../fixtures/images';
import { SMALL_LENET } from '../fixtures/configs';

let home: string;
let folder: string;

const small: TrainConfig = { ...SMALL_LENET, seed: 3 };

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-study-run-'));
  folder = (await makeImageFolder(path.join(home, 'shapes'), { classes: 5, perClass: 20, size: 32 })).root;
});

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe('running a study', () => {
  it('queues one run at a time; pauses; is extended without re-running finished cells', async () => {
    const ws = new Workstation(openStore(path.join(home, 'a')), { recover: false });
    try {
      const ds = await ws.importDataset(folder, 'shapes');
      const study = await ws.studies.createStudy({ name: 'act', datasetId: ds.datasetId, base: small, axes: [{ key: 'activation', values: ['relu', 'tanh', 'elu'] }] });
      const ids = () => new Set(ws.studies.db.linkedRuns(study.id).map((r) => r.id));
      let most = 0;
      const events: RunEvent[] = [];
      ws.queue.onEvent((e) => {
        events.push(e);
        const busy = ws.studies.db.linkedRuns(study.id).filter((r) => r.status === 'queued' || r.status === 'running').length;
        most = Math.max(most, busy);
      });
      // Pause as soon as the first run completes: the next one is queued but not started.
      const firstDone = new Promise<number>((resolve) => {
        const off = ws.queue.onEvent((e) => {
          if (e.kind === 'status' && e.status === 'completed' && ids().has(e.runId)) {
            off();
            resolve(e.runId);
          }
        });
      });
      const running = await ws.studies.runStudy(study.id);
      expect(running.state).toBe('running');
      // The queue was free: the first cell's run started at once; the others are not even created.
      expect(running.cells.map((c) => c.status)).toEqual(['running', 'pending', 'pending']);
      expect(running.cells.map((c) => c.runId !== null)).toEqual([true, false, false]);
      const first = await firstDone;
      const pausing = await ws.studies.pauseStudy(study.id);
      expect(['paused', 'pausing']).toContain(pausing.state);
      const paused = await ws.studies.settled(study.id);
      expect(paused.state).toBe('paused');
      expect(paused.cells.map((c) => c.status)).toEqual(['completed', 'pending', 'pending']);
      expect(paused.cells[0].runId).toBe(first);
      const firstRun = await ws.getRun(first);
      // The run queued behind the pause was taken back, not left in the runs list.
      expect((await ws.listRuns()).map((r) => r.id)).toEqual([first]);

      const extended = await ws.studies.extendStudy(study.id, { axis: { key: 'activation', values: ['relu', 'swish'] } });
      expect(extended.axes[0].values).toEqual(['relu', 'tanh', 'elu', 'swish']);
      expect(extended.cells.map((c) => c.status)).toEqual(['completed', 'pending', 'pending', 'pending']);
      await ws.studies.runStudy(study.id);
      const done = await ws.studies.settled(study.id);
      expect(done.state).toBe('finished');
      expect(done.counts.completed).toBe(4);
      expect(most).toBe(1);
      // The finished cell was not trained again.
      expect(events.filter((e) => e.kind === 'started' && e.runId === first)).toHaveLength(1);
      expect((await ws.getRun(first)).endedMs).toBe(firstRun.endedMs);
      const runs = await Promise.all(done.cells.map((c) => ws.getRun(c.runId!)));
      expect(runs.map((r) => r.config.activation)).toEqual(['relu', 'tanh', 'elu', 'swish']);
      expect(runs.every((r) => r.bestEpoch !== null && r.test !== null)).toBe(true);
      expect(runs[0].name).toBe('act [activation=relu seed=3]');
      expect(runs[0].tags).toEqual(['study:act']);

      const grid = await ws.studies.studyGrid(study.id);
      expect(grid.tables[0].cells.map((r) => r[0].n)).toEqual([1, 1, 1, 1]);
      expect(grid.best).not.toBeNull();
      const curves = await ws.studies.studyCurves(study.id, { metric: 'val_accuracy' });
      expect(curves.groups.map((g) => g.points.length)).toEqual([2, 2, 2, 2]);
      const f = await ws.studies.failuresAcrossRuns({ studyId: study.id });
      expect(f.testImages).toBe(15);
    } finally {
      await ws.close();
    }
  });

  it('pauses itself after three failures in a row, and retries failed cells as new runs', async () => {
    const copy = path.join(home, 'copy');
    fs.cpSync(folder, copy, { recursive: true });
    const ws = new Workstation(openStore(path.join(home, 'c')), { recover: false });
    try {
      const ds = await ws.importDataset(copy, 'copy');
      const study = await ws.studies.createStudy({ name: 'moved', datasetId: ds.datasetId, base: { ...small, epochs: 1 }, axes: [{ key: 'activation', values: ['relu', 'tanh', 'elu', 'swish'] }] });
      // The folder moves away after the import: every run fails before it trains.
      fs.renameSync(copy, `${copy}-moved`);
      await ws.studies.runStudy(study.id);
      const stopped = await ws.studies.settled(study.id);
      expect(stopped.cells.map((c) => c.status)).toEqual(['failed', 'failed', 'failed', 'pending']);
      expect(stopped.state).toBe('paused');
      expect(stopped.error).toMatch(/3 runs of this study failed one after another.*missing file/s);

      fs.renameSync(`${copy}-moved`, copy);
      const failedIds = stopped.cells.slice(0, 3).map((c) => c.runId);
      await ws.studies.runStudy(study.id, { retryFailed: true });
      const done = await ws.studies.settled(study.id);
      expect(done.state).toBe('finished');
      expect(done.error).toBeNull();
      expect(done.cells.map((c) => c.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      expect(done.cells.slice(0, 3).map((c) => c.previousRunIds)).toEqual(failedIds.map((id) => [id]));
      expect(done.cells.slice(0, 3).every((c, i) => c.runId! > failedIds[i]!)).toBe(true);
    } finally {
      await ws.close();
    }
  });

  it('keeps finished runs and continues the rest after the core process is killed', async () => {
    const storeDir = path.join(home, 'b');
    let ws = new Workstation(openStore(storeDir), { recover: false });
    const ds = await ws.importDataset(folder, 'shapes');
    const study = await ws.studies.createStudy({ name: 'kill', datasetId: ds.datasetId, base: { ...small, epochs: 3 }, axes: [{ key: 'activation', values: ['relu', 'tanh', 'elu'] }] });
    await ws.close();

    // Another process runs the study and dies (SIGKILL) mid-way through the second run.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'child-study.ts'), storeDir, String(study.id)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal, stderr).toBe('SIGKILL');

    ws = new Workstation(openStore(storeDir));
    try {
      const starts: { runId: number; startEpoch: number }[] = [];
      ws.onEvent((e) => e.kind === 'started' && starts.push({ runId: e.runId, startEpoch: e.startEpoch }));
      const before = await ws.studies.getStudy(study.id);
      // The constructor recovered: the killed run is resumed, the first one kept as it was.
      expect(before.cells.map((c) => c.status)).toEqual(['completed', 'running', 'pending']);
      const [kept, killed] = before.cells.map((c) => c.runId);
      const keptRun = await ws.getRun(kept!);
      const done = await ws.studies.settled(study.id);
      expect(done.state).toBe('finished');
      expect(done.cells.map((c) => c.status)).toEqual(['completed', 'completed', 'completed']);
      expect(done.cells.map((c) => c.runId).slice(0, 2)).toEqual([kept, killed]);
      expect(starts).toEqual([
        { runId: killed, startEpoch: 2 },
        { runId: done.cells[2].runId, startEpoch: 1 },
      ]);
      expect((await ws.getRun(kept!)).endedMs).toBe(keptRun.endedMs);
      expect((await ws.getRun(killed!)).epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
      expect((await ws.listRuns()).length).toBe(3);
    } finally {
      await ws.close();
    }
  });
});
