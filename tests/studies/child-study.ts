/**
 * A core process for the resumption test: runs a study and kills itself (SIGKILL, no clean-up)
 * as soon as the study's second run has written its first checkpoint.
 *
 * Usage: node --import tsx child-study.ts <home> <studyId>
 */
import { Workstation } from '../../main/core/workstation';
import { openStore } from '../../main/store/db';

const [home, studyArg] = process.argv.slice(2);
const ws = new Workstation(openStore(home), { recover: false });
const studyId = Number(studyArg);
const started: number[] = [];
ws.onEvent((e) => {
  if (e.kind === 'started' && !started.includes(e.runId)) started.push(e.runId);
  if (e.kind === 'checkpoint' && e.which === 'last' && e.epoch === 1 && started.length === 2 && e.runId === started[1]) {
    process.kill(process.pid, 'SIGKILL');
  }
});
ws.studies.runStudy(studyId).catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
