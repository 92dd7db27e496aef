/**
 * A study's cells as Slurm jobs: submit the cells left to run as one `sbatch --array`, follow
 * the tasks through `squeue`, and import each finished task's run bundle into the store — the
 * only writer of the database stays this process.
 *
 * A cell's run is created (queued) when it is submitted; while a task row for it is open
 * (`slurm_tasks.collected_ms IS NULL`) the local run queue leaves the run alone. Jobs are
 * prepared exactly as the run queue prepares a local worker's (`RunQueue.prepareJob`), with the
 * bundle folder as the run folder; the task's events go through the same store methods.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunEvent } from '../../shared/contract/events';
import {
  DEFAULT_SLURM_SETTINGS,
  slurmSettingsSchema,
  type BundleStatus,
  type SlurmApi,
  type SlurmCellCounts,
  type SlurmCellStatus,
  type SlurmCollection,
  type SlurmPreflight,
  type SlurmSettings,
  type SlurmSubmission,
  type StudySlurmInfo,
} from '../../shared/contract/slurm';
import type { StudyDetail } from '../../shared/contract/studies';
import { describeIssues } from '../../shared/contract/worker';
import type { RunStatus } from '../../shared/types';
import { cacheFile } from '../datasets/cache';
import { checkDatasetFiles } from '../datasets/queries';
import type { RunQueue } from '../queue/run-queue';
import type { Store } from '../store/db';
import type { ExternalScheduler, LiveCell, Studies } from '../studies/studies';
import { importRunEvents, logTail, readBundleStatusSync, readEventsSync, slurmLogVerdict, writeBundleJobSync } from './bundles';
import { commandProgram, defaultBloombenchCommand, writeJobScriptSync } from './job-script';
import { describeEnd, LIVE_STATES, sacct, sbatch, sbatchAvailable, scancel, scontrol, scontrolShowJob, squeue, type Sightings, type TaskSighting } from './scheduler';
import { cellStatusOf, SlurmStore, type SlurmTaskRecord } from './store';
import { Listeners } from '../core/listeners';

/** How long a task Slurm calls COMPLETED may lack a final status before it counts as failed (NFS attribute caches hold a file's old size up to 60 s: nfs(5), "acregmax"). */
const BUNDLE_GRACE_MS = 90_000;

/** What one cell of a submission will be. */
interface PlannedTask {
  readonly cell: LiveCell;
  /** `resume`: the same run continues from its checkpoint; `new`: a new run for the cell. */
  readonly kind: 'new' | 'resume';
  /** A run to delete first (stopped before its first checkpoint: nothing to keep). */
  readonly drop: number | null;
}

/** Filesystems whose files the other nodes of a cluster never see (statfs(2) magic numbers: linux/magic.h). */
const NODE_LOCAL_FS: ReadonlyMap<number, string> = new Map([
  [0x01021994, 'tmpfs'],
  [0x858458f6, 'ramfs'],
]);

/** Why a path is probably not visible from the nodes, or null. */
function nodeLocalReason(p: string): string | null {
  let real = p;
  try {
    real = fs.realpathSync(p);
  } catch {
    return null;
  }
  try {
    const type = NODE_LOCAL_FS.get(Number(fs.statfsSync(real).type));
    if (type) return `is on a ${type} filesystem, which only this machine sees`;
  } catch {
    // statfs is missing on some platforms: the path test below still applies.
  }
  if (/^\/(tmp|var\/tmp|dev\/shm|run)(\/|$)/.test(real)) return `is under /${real.split('/')[1]}, which each node has its own of`;
  return null;
}

/** `p`, or its nearest ancestor that exists (a folder a submission has not created yet). */
function nearestExisting(p: string): string {
  let at = path.resolve(p);
  while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  return at;
}

/** The Slurm side of the studies of one store. */
export class SlurmStudies implements SlurmApi, ExternalScheduler {
  readonly db: SlurmStore;
  private readonly listeners = new Listeners<RunEvent>();
  private readonly collecting = new Map<number, Promise<SlurmCollection>>();
  private watcher: NodeJS.Timeout | null = null;
  private ticking = false;
  /** The last error a watched collect met (shown by views; the watch keeps going). */
  lastWatchError: string | null = null;

  constructor(
    private readonly store: Store,
    private readonly queue: RunQueue,
    private readonly studies: Studies,
  ) {
    this.db = new SlurmStore(store);
    studies.attachScheduler(this);
  }

  /** Run events read from bundles (the same events a local worker sends), as they are imported. */
  onEvent(listener: (e: RunEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  cellsOf(studyId: number): ReadonlyMap<number, SlurmCellStatus> {
    const out = new Map<number, SlurmCellStatus>();
    for (const [runId, t] of this.db.latestByRun(studyId)) out.set(runId, cellStatusOf(t));
    return out;
  }

  /** The folder of a study's job scripts, logs and bundles (under the home, which the nodes must see). */
  folderOf(studyId: number): string {
    return path.join(this.store.home, 'slurm', `study-${studyId}`);
  }

  private bundleDirOf(studyId: number, runId: number): string {
    return path.join(this.folderOf(studyId), `run-${runId}`);
  }

  /** The remembered settings with `patch` on top, checked. */
  settingsFor(studyId: number, patch: Partial<SlurmSettings> = {}): SlurmSettings {
    const base = this.db.settings(studyId)?.settings ?? DEFAULT_SLURM_SETTINGS;
    const merged: Record<string, unknown> = { ...DEFAULT_SLURM_SETTINGS, ...base };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) merged[k] = v;
    const parsed = slurmSettingsSchema.safeParse(merged);
    if (!parsed.success) throw new Error(`Slurm settings: ${describeIssues(parsed.error)}.`);
    return parsed.data;
  }

  async studySlurm(studyId: number): Promise<StudySlurmInfo> {
    const study = await this.studies.getStudy(studyId);
    const avail = await sbatchAvailable();
    const remembered = this.db.settings(studyId);
    const command = remembered?.settings.bloombenchCmd ?? defaultBloombenchCommand();
    return {
      cells: this.cellCounts(studyId),
      preflight: { problems: this.datasetProblems(study), warnings: this.preflight(study, cacheFile(this.store, study.datasetId, study.base.inputSize, study.base.channels), this.folderOf(studyId), command) },
      studyId,
      available: avail.ok,
      unavailableReason: avail.reason,
      settings: remembered?.settings ?? null,
      folder: this.folderOf(studyId),
      submissions: this.db.submissions(studyId),
      openTasks: this.db.openTasks(studyId).length,
      held: remembered?.held ?? false,
    };
  }

  /** What a submission would take now: the core's own plan, counted. */
  private cellCounts(studyId: number): SlurmCellCounts {
    const { planned, failedLeft, busy } = this.preview(studyId, false);
    return { toSubmit: planned.length, failed: failedLeft, busy };
  }

  /** Which cells a submission takes, and how; throws when none is left or one is busy here. */
  private plan(studyId: number, retryFailed: boolean): PlannedTask[] {
    const { planned, failedLeft, busy } = this.preview(studyId, retryFailed);
    if (busy) throw new Error(busy);
    if (!planned.length) {
      const open = this.db.openTasks(studyId).length;
      throw new Error(
        `Nothing to submit: every cell of study ${studyId} is ${open ? 'done or on Slurm' : 'done'}${failedLeft ? ` (${failedLeft} failed: add --retry-failed to resubmit them)` : ''}.`,
      );
    }
    return planned;
  }

  /**
   * The cells a submission would take now, the failed ones it leaves (without `retryFailed`), and
   * why it cannot go at all (a cell's run is busy on this machine): what the dialog counts is what
   * the core will submit.
   */
  private preview(studyId: number, retryFailed: boolean): { planned: PlannedTask[]; failedLeft: number; busy: string | null } {
    const runs = this.queue.runs;
    const planned: PlannedTask[] = [];
    let failedLeft = 0;
    let busy: string | null = null;
    for (const c of this.studies.liveCells(studyId)) {
      const run = c.run;
      if (!run) {
        planned.push({ cell: c, kind: 'new', drop: null });
        continue;
      }
      const hasCheckpoint = (): boolean => {
        const ck = runs.checkpoint(run.id, 'last');
        return Boolean(ck && fs.existsSync(path.join(ck.dir, 'model.json')));
      };
      switch (run.status) {
        case 'completed':
          break;
        case 'queued':
        case 'running':
          if (!runs.isOnScheduler(run.id)) {
            busy ??= `Run ${run.id} of this study is ${run.status} on this machine; pause the study first ('bloombench study pause ${studyId} --now'), then submit.`;
          }
          break;
        case 'interrupted':
        case 'cancelled':
          planned.push(hasCheckpoint() ? { cell: c, kind: 'resume', drop: null } : { cell: c, kind: 'new', drop: run.id });
          break;
        case 'failed': {
          if (!retryFailed) {
            failedLeft++;
            break;
          }
          // Stopped by the scheduler (its bundle never said the trainer failed): resume from the
          // checkpoint. A trainer's own failure would likely repeat: the cell starts afresh.
          const attempt = this.db.lastAttempt(run.id);
          const task = attempt ? this.db.task(run.id, attempt) : null;
          const trainerFailed = task ? readBundleStatusSync(task.bundleDir, task.attempt)?.state === 'failed' : true;
          planned.push(!trainerFailed && hasCheckpoint() ? { cell: c, kind: 'resume', drop: null } : { cell: c, kind: 'new', drop: null });
          break;
        }
      }
    }
    return { planned, failedLeft, busy };
  }

  async submitStudySlurm(studyId: number, patch: Partial<SlurmSettings> = {}, opts: { readonly retryFailed?: boolean } = {}): Promise<SlurmSubmission> {
    const study = await this.studies.getStudy(studyId);
    const settings = this.settingsFor(studyId, patch);
    const avail = await sbatchAvailable();
    if (!avail.ok) throw new Error(`Cannot submit to Slurm: ${avail.reason}.`);
    const planned = this.plan(studyId, Boolean(opts.retryFailed));
    const command = settings.bloombenchCmd ?? defaultBloombenchCommand();
    const folder = this.folderOf(studyId);
    const submissionNo = this.db.submissions(studyId).length + 1;
    const script = path.join(folder, `job-${submissionNo}.sh`);
    const runs = this.queue.runs;

    // Runs and task rows in one transaction: from here on the local queue leaves these runs alone.
    const before = new Map<number, { status: RunStatus; error: string | null }>();
    const created: number[] = [];
    const { submissionId, tasks } = this.db.transaction(() => {
      const tasks = planned.map((p, arrayIndex) => {
        if (p.drop !== null) {
          runs.delete(p.drop);
        }
        let runId: number;
        let resume: { dir: string; epoch: number } | null = null;
        if (p.kind === 'resume') {
          runId = p.cell.run!.id;
          const r = runs.getRun(runId);
          before.set(runId, { status: r.status, error: r.error });
          const ck = runs.checkpoint(runId, 'last')!;
          resume = { dir: ck.dir, epoch: ck.epoch };
          runs.truncateAfterEpoch(runId, ck.epoch);
          runs.setStatus(runId, 'queued', null);
        } else {
          runId = this.studies.createCellRun(studyId, p.cell.cell);
          created.push(runId);
        }
        return { runId, attempt: this.db.lastAttempt(runId) + 1, arrayIndex, cellIndex: p.cell.cell.index, resumeEpoch: resume?.epoch ?? null, resume, bundleDir: this.bundleDirOf(studyId, runId) };
      });
      return { submissionId: this.db.addSubmission(studyId, script, settings, [], tasks), tasks };
    });

    const undo = () =>
      this.db.transaction(() => {
        this.db.deleteSubmission(submissionId);
        for (const id of created) runs.delete(id);
        for (const [id, b] of before) runs.setStatus(id, b.status, b.error);
      });
    let warnings: string[];
    let arrayJobId: string;
    try {
      let cachePath = '';
      for (const t of tasks) {
        const job = await this.queue.prepareJob(t.runId, t.resume);
        cachePath = job.cache.file;
        writeBundleJobSync(t.bundleDir, { studyId, runId: t.runId, attempt: t.attempt }, { ...job, runDir: t.bundleDir });
      }
      warnings = this.preflight(study, cachePath, folder, command);
      writeJobScriptSync(script, {
        studyId,
        studyName: study.name,
        submission: submissionNo,
        settings,
        bundles: tasks.map((t) => t.bundleDir),
        runIds: tasks.map((t) => t.runId),
        logDir: path.join(folder, 'logs'),
        command,
      });
      arrayJobId = await sbatch(script, { cwd: folder });
    } catch (e) {
      undo();
      this.studies.notifyChanged(studyId);
      throw e;
    }
    this.db.setSubmitted(submissionId, arrayJobId, warnings);
    this.db.rememberSettings(studyId, settings);
    this.db.setHeld(studyId, false);
    for (const t of tasks) this.listeners.emit({ kind: 'status', runId: t.runId, status: 'queued', error: null });
    this.studies.notifyChanged(studyId);
    return this.db.submissions(studyId).find((s) => s.arrayJobId === arrayJobId)!;
  }

  /** Why a submission would fail now: the dataset's files missing or changed since the import (what `RunQueue.prepareJob` refuses). */
  private datasetProblems(study: StudyDetail): SlurmPreflight['problems'] {
    const check = checkDatasetFiles(this.store, study.datasetId);
    const some = (list: readonly string[]): string => `${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}`;
    const out: string[] = [];
    if (check.missing.length) out.push(`The dataset "${study.datasetName}" has ${check.missing.length} missing file(s) since it was imported (${some(check.missing)}): was its folder moved? Import it again from its new place.`);
    if (check.changed.length) out.push(`The dataset "${study.datasetName}" has ${check.changed.length} image(s) whose content changed since it was imported (${some(check.changed)}): put the original files back, or import the folder again.`);
    return out;
  }

  /** What the nodes may not see: paths on this machine's own filesystems (the nearest part that exists), an install not found here. */
  private preflight(study: StudyDetail, cachePath: string, folder: string, command: string): string[] {
    const warnings: string[] = [];
    const check = (what: string, p: string) => {
      const why = nodeLocalReason(nearestExisting(p));
      if (why) warnings.push(`${what} ${p} ${why}: fine when the only node is this machine; otherwise keep the home on a filesystem the nodes share (--home).`);
    };
    check('The bundles folder', folder);
    check(`The ${study.base.inputSize}px cache of "${study.datasetName}"`, cachePath);
    const program = commandProgram(command);
    if (path.isAbsolute(program) && !fs.existsSync(program)) {
      warnings.push(`The node-side bloombench ${program} does not exist on this machine; the tasks fail unless the nodes have it (--bloombench-cmd names it).`);
    } else if (path.isAbsolute(program)) {
      check('The node-side bloombench', program);
    }
    return warnings;
  }

  async collectStudySlurm(studyId: number): Promise<SlurmCollection> {
    const inFlight = this.collecting.get(studyId);
    if (inFlight) return inFlight;
    const job = this.collectOnce(studyId).finally(() => this.collecting.delete(studyId));
    this.collecting.set(studyId, job);
    return job;
  }

  private async collectOnce(studyId: number): Promise<SlurmCollection> {
    await this.studies.getStudy(studyId);
    const finished: SlurmCollection['finished'][number][] = [];
    const used = new Set<'sacct' | 'scontrol' | 'bundle'>();
    const byJob = new Map<string, SlurmTaskRecord[]>();
    for (const t of this.db.openTasks(studyId)) byJob.set(t.arrayJobId, [...(byJob.get(t.arrayJobId) ?? []), t]);
    for (const [arrayJobId, tasks] of byJob) {
      if (!arrayJobId) continue; // sbatch has not answered yet (a submission in progress)
      const queued = await squeue(arrayJobId);
      // The end of tasks that left the queue, asked once per array job, from the best source there is.
      let ends: { sightings: Sightings | null; source: 'sacct' | 'scontrol' | 'bundle' } | null = null;
      const endOf = async (index: number): Promise<TaskSighting | null> => {
        if (!ends) {
          const fromSacct = await sacct(arrayJobId);
          if (fromSacct && fromSacct.size) ends = { sightings: fromSacct, source: 'sacct' };
          else {
            const fromScontrol = await scontrolShowJob(arrayJobId);
            ends = fromScontrol && fromScontrol.size ? { sightings: fromScontrol, source: 'scontrol' } : { sightings: null, source: 'bundle' };
          }
        }
        const s = ends.sightings?.get(index) ?? null;
        used.add(s ? ends.source : 'bundle');
        return s;
      };
      for (const t of tasks) {
        if (!this.runExists(t.runId)) {
          await this.drop([t], 'its run was deleted');
          continue;
        }
        const seen = queued?.get(t.arrayIndex) ?? null;
        const status = readBundleStatusSync(t.bundleDir, t.attempt);
        if (seen && LIVE_STATES.has(seen.state)) {
          const state = seen.state === 'PENDING' ? (/held/i.test(seen.reason ?? '') ? 'held' : 'queued') : 'running';
          this.importProgress(t, status);
          this.db.setSeen(t, state, seen.node ?? status?.node ?? null, seen.reason);
          continue;
        }
        const end = (await endOf(t.arrayIndex)) ?? seen;
        // The scheduler says it ended well, but the bundle does not say so yet: a shared
        // filesystem may show the node's last writes late. Wait a little before calling it lost.
        const final = status && status.state !== 'running';
        if (!final && !t.cancelRequested && end?.state === 'COMPLETED' && (end.exitCode ?? '0:0') === '0:0') {
          if (t.state !== 'collecting') this.db.setSeen(t, 'collecting', end.node, 'waiting for the bundle');
          if (t.state !== 'collecting' || Date.now() - t.checkedMs < BUNDLE_GRACE_MS) continue;
        }
        const done = this.finalize(t, end, status);
        if (done) finished.push(done);
      }
    }
    this.studies.notifyChanged(studyId);
    const source = (['sacct', 'scontrol', 'bundle'] as const).find((x) => used.has(x)) ?? 'none';
    return { study: await this.studies.getStudy(studyId), finished, open: this.db.openTasks(studyId).length, source };
  }

  private runExists(runId: number): boolean {
    try {
      this.queue.runs.getRun(runId);
      return true;
    } catch {
      return false;
    }
  }

  /** Imports the complete event lines a running task has written since the last look. */
  private importProgress(t: SlurmTaskRecord, status: BundleStatus | null): void {
    // The row is read again inside the write transaction: another process may have imported meanwhile.
    const imported = this.db.transaction(() => {
      const fresh = this.db.task(t.runId, t.attempt);
      if (!fresh || fresh.collectedMs !== null) return [];
      const chunk = readEventsSync(t.bundleDir, t.attempt, fresh.eventsOffset, false);
      if (chunk.offset === fresh.eventsOffset) return [];
      const last = importRunEvents(this.queue.runs, t.runId, chunk.events, status?.startedMs ?? Date.now());
      this.db.setProgress(fresh, chunk.offset, last ?? fresh.epochsDone);
      return chunk.events;
    });
    for (const e of imported) this.listeners.emit(e);
  }

  /** Imports the rest of an ended task's bundle and gives its run its final status. */
  private finalize(t: SlurmTaskRecord, end: TaskSighting | null, status: BundleStatus | null): SlurmCollection['finished'][number] | null {
    const runs = this.queue.runs;
    const run = runs.getRun(t.runId);
    const log = path.join(path.dirname(t.bundleDir), 'logs', `${t.arrayJobId}_${t.arrayIndex}.out`);
    const jobId = `${t.arrayJobId}_${t.arrayIndex}`;
    let runStatus: 'completed' | 'failed' | 'cancelled';
    let error: string | null = null;
    let taskState: 'done' | 'failed' | 'cancelled';
    let reason: string | null;
    if (t.cancelRequested) {
      runStatus = 'cancelled';
      taskState = 'cancelled';
      reason = 'cancelled from Bloombench (scancel)';
    } else if (status?.state === 'completed') {
      runStatus = 'completed';
      taskState = 'done';
      reason = null;
    } else if (status?.state === 'failed') {
      runStatus = 'failed';
      taskState = 'failed';
      error = `${status.error ?? 'The trainer failed.'} (Slurm task ${jobId} on ${status.node})`;
      reason = status.error;
    } else {
      runStatus = 'failed';
      taskState = 'failed';
      const epochsDone = Math.max(t.epochsDone, status?.epochsDone ?? 0);
      const checkpoint = status?.checkpointEpoch ?? runs.checkpoint(t.runId, 'last')?.epoch ?? null;
      let who: string;
      if (end) who = describeEnd(end);
      else {
        const verdict = slurmLogVerdict(log);
        if (verdict) who = verdict.replace(/^Slurm's log says it/, 'Slurm');
        else if (status?.state === 'terminated') who = `the task was stopped by ${status.signal ?? 'a signal'} on ${status.node} at ${new Date(status.updatedMs).toISOString()}`;
        else if (status?.state === 'running') {
          who = `the task was last heard from on ${status.node} at ${new Date(status.updatedMs).toISOString()} and then vanished (killed without warning: SIGKILL, out of memory, or the node lost)`;
        } else who = 'the task never started training (its bundle has no status)';
      }
      const tail = status ? '' : logTail(log, 4);
      const far = status ? ` after ${epochsDone} of ${run.config.epochs} epoch${run.config.epochs === 1 ? '' : 's'} (${checkpoint ? `last checkpoint: epoch ${checkpoint}` : 'no checkpoint yet'})` : '';
      const source = end ? '' : ' (the scheduler no longer remembers the job; read from the bundle)';
      error = `Slurm task ${jobId}: ${who}${far}${source}.${checkpoint ? ` 'bloombench study run ${t.studyId} --slurm --retry-failed' resumes it from its checkpoint.` : ''}${tail ? `\n${tail}` : ''}`;
      reason = end ? end.state : status?.state === 'terminated' ? `terminated (${status.signal})` : 'lost';
    }
    const endedMs = status?.updatedMs ?? Date.now();
    const imported = this.db.transaction(() => {
      const fresh = this.db.task(t.runId, t.attempt);
      if (!fresh || fresh.collectedMs !== null) return null; // collected by another process meanwhile
      const chunk = readEventsSync(t.bundleDir, t.attempt, fresh.eventsOffset, true);
      const last = importRunEvents(runs, t.runId, chunk.events, status?.startedMs ?? Date.now());
      this.db.setProgress(fresh, chunk.offset, last ?? fresh.epochsDone);
      runs.setStatus(t.runId, runStatus, error, endedMs);
      this.db.setCollected(fresh, taskState, reason, end?.node ?? status?.node ?? null);
      return chunk.events;
    });
    if (!imported) return null;
    for (const e of imported) if (e.kind !== 'status') this.listeners.emit(e);
    this.listeners.emit({ kind: 'status', runId: t.runId, status: runStatus, error });
    return { runId: t.runId, status: runStatus, error };
  }

  async controlStudySlurm(studyId: number, action: 'hold' | 'release' | 'cancel'): Promise<StudyDetail> {
    await this.studies.getStudy(studyId);
    const open = this.db.openTasks(studyId);
    if (!open.length) throw new Error(`Study ${studyId} has no task on Slurm ('bloombench study run ${studyId} --slurm' submits its cells).`);
    const jobs = [...new Set(open.map((t) => t.arrayJobId).filter(Boolean))];
    if (action === 'cancel') {
      this.db.transaction(() => {
        for (const t of open) this.db.requestCancel(t);
      });
      await scancel(jobs);
      this.db.setHeld(studyId, false);
    } else {
      await scontrol(action, jobs);
      this.db.setHeld(studyId, action === 'hold');
    }
    return (await this.collectStudySlurm(studyId)).study;
  }

  /** Cancels tasks on Slurm and closes them here: their runs are cancelled, whatever the bundles say later. */
  private async drop(tasks: readonly SlurmTaskRecord[], reason: string): Promise<void> {
    if (!tasks.length) return;
    await scancel(tasks.filter((t) => t.arrayJobId).map((t) => `${t.arrayJobId}_${t.arrayIndex}`));
    this.db.transaction(() => {
      for (const t of tasks) {
        this.db.setCollected(t, 'cancelled', reason, null);
        this.queue.runs.setStatus(t.runId, 'cancelled', null);
      }
    });
    for (const t of tasks) this.listeners.emit({ kind: 'status', runId: t.runId, status: 'cancelled', error: null });
  }

  /** Before a run on Slurm is deleted: its task is cancelled and forgotten. */
  async dropRun(runId: number): Promise<void> {
    const attempt = this.db.lastAttempt(runId);
    const t = attempt ? this.db.task(runId, attempt) : null;
    if (t && t.collectedMs === null) await this.drop([t], 'its run was deleted');
  }

  /** Before a study is deleted: every task of it still on Slurm is cancelled and forgotten. */
  async dropStudy(studyId: number): Promise<void> {
    await this.drop(this.db.openTasks(studyId), 'its study was deleted');
  }

  /** True when the study has tasks on Slurm not imported yet. */
  hasOpenTasks(studyId: number): boolean {
    return this.db.openTasks(studyId).length > 0;
  }

  /** Collects every study with open tasks every `intervalMs` (the app's watch); never keeps the process alive. */
  startWatching(intervalMs = 15_000): void {
    if (this.watcher) return;
    this.watcher = setInterval(() => void this.tick(), intervalMs);
    this.watcher.unref();
  }

  stopWatching(): void {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = null;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const id of this.db.studiesWithOpenTasks()) {
        try {
          await this.collectStudySlurm(id);
          this.lastWatchError = null;
        } catch (e) {
          this.lastWatchError = `Study ${id}: ${(e as Error).message}`;
        }
      }
    } finally {
      this.ticking = false;
    }
  }
}
