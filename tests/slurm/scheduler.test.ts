/**
 * What the core reads from Slurm's commands and what it writes for them, without a cluster:
 * the parsers on output printed by Debian's Slurm 22.05 (the `squeue`, `scontrol` lines were
 * captured from the test cluster; the `sacct` lines follow sacct(1) with `-n -P -X`), the job
 * script, the settings' validation, and reading a bundle whose last line is torn.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEventsSync, slurmLogVerdict } from '../../main/slurm/bundles';
import { commandProgram, jobScriptText, shellQuote } from '../../main/slurm/job-script';
import { describeEnd, expandIndices, parseSacct, parseSbatchAnswer, parseScontrol, parseSqueue } from '../../main/slurm/scheduler';
import { parseApiArgs } from '../../shared/contract/api-schemas';
import { BUNDLE_FILES, DEFAULT_SLURM_SETTINGS, slurmSettingsSchema } from '../../shared/contract/slurm';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-slurm-unit-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('reading Slurm', () => {
  it('expands array index lists as Slurm prints them', () => {
    expect(expandIndices('3')).toEqual([3]);
    expect(expandIndices('1-4')).toEqual([1, 2, 3, 4]);
    expect(expandIndices('[0,2,5-7]')).toEqual([0, 2, 5, 6, 7]);
    expect(expandIndices('[4-9%2]')).toEqual([4, 5, 6, 7, 8, 9]);
    expect(expandIndices('0-6:3')).toEqual([0, 3, 6]);
  });

  it('reads sbatch --parsable', () => {
    expect(parseSbatchAnswer('1234\n')).toBe('1234');
    expect(parseSbatchAnswer('1234;cluster2\n')).toBe('1234');
    expect(parseSbatchAnswer('sbatch: error: Batch job submission failed')).toBeNull();
  });

  it('reads squeue -r: states, nodes and reasons per array index', () => {
    const out = ['5_1|PENDING||Resources', '5_2|PENDING||JobHeldUser', '5_0|RUNNING|vm|None', '7_0|RUNNING|vm|None', '5_[3-4]|PENDING||Priority'].join('\n');
    const s = parseSqueue(out, '5');
    expect([...s.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(s.get(0)).toEqual({ state: 'RUNNING', node: 'vm', reason: null, exitCode: null });
    expect(s.get(2)).toMatchObject({ state: 'PENDING', node: null, reason: 'JobHeldUser' });
    expect(s.get(4)?.reason).toBe('Priority');
  });

  it('reads scontrol show job -o, a pending range record included', () => {
    const out = [
      'JobId=3 ArrayJobId=3 ArrayTaskId=1-2 JobName=wrap UserId=root(0) JobState=PENDING Reason=JobHeldAdmin Dependency=(null) ExitCode=0:0 NodeList=(null) BatchHost=(null)',
      'JobId=4 ArrayJobId=3 ArrayTaskId=0 JobName=wrap UserId=root(0) JobState=CANCELLED Reason=None Dependency=(null) ExitCode=0:15 RunTime=00:00:04 NodeList=vm BatchHost=vm',
      'JobId=9 ArrayJobId=8 ArrayTaskId=0 JobState=TIMEOUT Reason=TimeLimit NodeList=vm',
    ].join('\n');
    const s = parseScontrol(out, '3');
    expect([...s.keys()].sort()).toEqual([0, 1, 2]);
    expect(s.get(0)).toEqual({ state: 'CANCELLED', node: 'vm', reason: null, exitCode: '0:15' });
    expect(s.get(2)).toMatchObject({ state: 'PENDING', reason: 'JobHeldAdmin', node: null });
  });

  it('reads sacct -n -P -X, "CANCELLED by uid" included', () => {
    const out = ['12_0|COMPLETED|0:0|n1|None', '12_1|CANCELLED by 1000|0:15|n2|None', '12_2|TIMEOUT|0:0|n3|None', '12_[3-4]|PENDING|0:0|None assigned|Priority', '13_0|COMPLETED|0:0|n1|None'].join('\n');
    const s = parseSacct(out, '12');
    expect(s.get(1)).toEqual({ state: 'CANCELLED', node: 'n2', reason: 'by 1000', exitCode: '0:15' });
    expect(s.get(2)?.state).toBe('TIMEOUT');
    expect(s.get(4)).toMatchObject({ state: 'PENDING', node: null, reason: 'Priority' });
    expect(s.has(5)).toBe(false);
  });

  it('says how a task ended in words', () => {
    expect(describeEnd({ state: 'TIMEOUT', node: 'n3', reason: null, exitCode: null })).toBe('Slurm stopped the task at its time limit on n3');
    expect(describeEnd({ state: 'CANCELLED', node: 'vm', reason: null, exitCode: '0:15' })).toBe('the task was cancelled (scancel) on vm, exit code 0:15');
    expect(describeEnd({ state: 'PREEMPTED', node: 'g1', reason: null, exitCode: null })).toMatch(/preempted the task on g1/);
    expect(describeEnd({ state: 'NODE_FAIL', node: 'g2', reason: null, exitCode: null })).toBe('the node g2 failed under the task');
    expect(describeEnd({ state: 'OUT_OF_MEMORY', node: 'g2', reason: null, exitCode: null })).toMatch(/raise --mem/);
  });

  it("finds Slurm's own verdict in a task's output file", () => {
    const log = path.join(tmp, 'task.out');
    fs.writeFileSync(log, 'bloombench task 7_1 on n3: /x\nslurmstepd: error: *** JOB 9 ON n3 CANCELLED AT 2026-12-02T13:26:37 DUE TO TIME LIMIT ***\n');
    expect(slurmLogVerdict(log)).toBe("Slurm's log says it stopped the task on n3 at 2026-12-02T13:26:37 because of time limit");
    fs.writeFileSync(log, 'slurmstepd-vm: error: *** JOB 2 ON vm CANCELLED AT 2026-12-02T13:26:37 ***\n');
    expect(slurmLogVerdict(log)).toMatch(/because of a cancel \(scancel\)/);
    expect(slurmLogVerdict(path.join(tmp, 'none.out'))).toBeNull();
  });
});

describe('writing for Slurm', () => {
  const spec = {
    studyId: 3,
    studyName: "act 'n aug",
    submission: 2,
    settings: { ...DEFAULT_SLURM_SETTINGS, partition: 'gpu', gres: 'gpu:1', time: '02:00:00', cpus: 4, mem: '16G', sbatchArgs: ['--account=lab', '--qos=short'] },
    bundles: ['/shared/home/Bloombench/slurm/study-3/run-11', '/shared/home/my runs/run-12'],
    runIds: [11, 12],
    logDir: '/shared/home/Bloombench/slurm/study-3/logs',
    command: "/opt/node/bin/node '/shared/apps/bloom bench/dist/main/cli/index.js'",
  };

  it('writes a job script with the settings, the bundles and the node-side install, nothing from the network', () => {
    const text = jobScriptText(spec);
    expect(text.split('\n').filter((l) => l.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name=bloombench-study-3',
      '#SBATCH --array=0-1',
      '#SBATCH --output=/shared/home/Bloombench/slurm/study-3/logs/%A_%a.out',
      '#SBATCH --ntasks=1',
      '#SBATCH --partition=gpu',
      '#SBATCH --gres=gpu:1',
      '#SBATCH --time=02:00:00',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --mem=16G',
      '#SBATCH --account=lab',
      '#SBATCH --qos=short',
    ]);
    expect(text).toContain("'/shared/home/my runs/run-12'  # 1: run 12");
    expect(text).not.toMatch(/https?:|curl|wget|npm /);
    // bash reads it: the task index picks the bundle, the command line is the node-side install's.
    const file = path.join(tmp, 'job.sh');
    fs.writeFileSync(file, text.replace('eval "exec ${BLOOMBENCH} slurm-task', 'eval "printf \'%s\\n\' ${BLOOMBENCH} slurm-task'));
    const words = execFileSync('bash', [file], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
    expect(words).toEqual(['/opt/node/bin/node', '/shared/apps/bloom bench/dist/main/cli/index.js', 'slurm-task', '/shared/home/my runs/run-12']);
    expect(() => execFileSync('bash', [file], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '' }, stdio: 'ignore' })).toThrow();
  });

  it('quotes words for bash and finds the program of a command line', () => {
    expect(shellQuote('/a/b-c.js')).toBe('/a/b-c.js');
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(commandProgram("ELECTRON_RUN_AS_NODE=1 '/opt/x y/electron' /a.js")).toBe('/opt/x y/electron');
  });

  it('validates the settings, naming the field', () => {
    expect(slurmSettingsSchema.safeParse({ ...DEFAULT_SLURM_SETTINGS, time: '1-12:00:00', mem: '8G', gres: 'gpu:a100:2' }).success).toBe(true);
    for (const [field, value] of [
      ['time', 'soon'],
      ['mem', 'lots'],
      ['partition', 'gpu; rm -rf'],
      ['cpus', 0],
      ['sbatchArgs', ['account=lab']],
      ['bloombenchCmd', 'node\nrm -rf /'],
    ] as const) {
      const r = slurmSettingsSchema.safeParse({ ...DEFAULT_SLURM_SETTINGS, [field]: value });
      expect(r.success, field).toBe(false);
      expect(r.error!.issues[0].path[0]).toBe(field);
    }
    expect(parseApiArgs('submitStudySlurm', [1, { partition: 'gpu' }, { retryFailed: true }])).toEqual([1, { partition: 'gpu' }, { retryFailed: true }]);
    expect(() => parseApiArgs('submitStudySlurm', [1, { queue: 'gpu' }])).toThrow(/queue|Unrecognized/);
    expect(() => parseApiArgs('controlStudySlurm', [1, 'kill'])).toThrow(/args\[1\]/);
  });
});

describe('reading a bundle', () => {
  it('reads complete lines while the task writes, and drops a torn last line once it is gone', () => {
    const dir = path.join(tmp, 'bundle');
    fs.mkdirSync(dir);
    const file = path.join(dir, BUNDLE_FILES.events(1));
    const log = (m: string) => JSON.stringify({ kind: 'log', runId: 1, level: 'info', message: m });
    fs.writeFileSync(file, `${log('a')}\n${log('b')}\n{"kind":"batch","ru`);
    const first = readEventsSync(dir, 1, 0, false);
    expect(first.events.map((e) => (e.kind === 'log' ? e.message : e.kind))).toEqual(['a', 'b']);
    expect(first.offset).toBe(Buffer.byteLength(`${log('a')}\n${log('b')}\n`));
    expect(readEventsSync(dir, 1, first.offset, false).events).toEqual([]);
    const last = readEventsSync(dir, 1, first.offset, true);
    expect(last).toMatchObject({ events: [], refused: 1 });
    expect(last.offset).toBe(fs.statSync(file).size);
    // A line that is JSON but not an event is refused, not imported.
    fs.appendFileSync(file, `\n${JSON.stringify({ kind: 'epoch-end', runId: 1 })}\n`);
    expect(readEventsSync(dir, 1, last.offset, false)).toMatchObject({ events: [], refused: 1 });
    expect(readEventsSync(dir, 2, 0, false)).toEqual({ events: [], offset: 0, refused: 0 });
  });
});
