/**
 * A CLI stopped from outside (issue 14, item 3): SIGTERM and SIGHUP cancel its run like
 * Ctrl-C (resumable, with its checkpoints), and so does a closed output pipe; no run is left
 * "running" behind a process that is gone. Real `bloombench train` and `study run` processes.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from './process';
import { runRow, runningStudy, trainFlags, useSmallFolder } from '../queue/helpers';

const fixture = useSmallFolder('bb-signals-');

describe('bloombench train, stopped from outside', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGINT', 130],
  ] as const)('%s cancels the run (resumable) and exits with %i', async (signal, code) => {
    const home = path.join(fixture.root, signal);
    const cli = startCli(home, ...trainFlags(fixture.folder, 400));
    await cli.waitFor('stderr', /epoch 1\/400/);
    cli.child.kill(signal);
    const exit = await cli.exited;
    expect(exit, cli.stderr()).toEqual({ code, signal: null });
    expect(cli.stderr()).toMatch(/Cancelling run 1… \(it keeps its checkpoints; bloombench resume 1 continues it\)/);
    expect(runRow(home, 1).status).toBe('cancelled');
    const resumed = startCli(home, 'resume', '1');
    await resumed.waitFor('stderr', /Resumed from the checkpoint of epoch \d+/);
    resumed.child.kill('SIGTERM');
    expect((await resumed.exited).code).toBe(143);
  });

  it('a closed output pipe (EPIPE) cancels the run instead of crashing and leaving it running', async () => {
    const home = path.join(fixture.root, 'epipe');
    const cli = startCli(home, ...trainFlags(fixture.folder, 400), '--json');
    await cli.waitFor('stdout', /"event":"epoch"/);
    // The reader goes away, as `bloombench train … --json | head -1` does.
    cli.child.stdout.destroy();
    const exit = await cli.exited;
    expect(exit, cli.stderr()).toEqual({ code: 141, signal: null });
    expect(cli.stderr()).not.toMatch(/EPIPE|at .*\.ts:\d+/);
    expect(runRow(home, 1).status).toBe('cancelled');
  });

  it('SIGTERM pauses a study run; it continues afterwards', async () => {
    const home = path.join(fixture.root, 'study');
    const cli = await runningStudy(home, fixture.folder);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code, cli.stderr()).toBe(143);
    expect(cli.stderr()).toMatch(/Got SIGTERM: Pausing the study/);
    expect(runRow(home, 1).status).toBe('cancelled');
    const again = startCli(home, 'study', 'run', 's');
    await again.waitFor('stderr', /run 1 .*resuming at epoch \d+/);
    again.child.kill('SIGHUP');
    expect((await again.exited).code).toBe(129);
  });
});
