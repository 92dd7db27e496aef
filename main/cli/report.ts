/**
 * `bloombench report <study|run…> <file.html>`: a self-contained HTML report of a study or of
 * some runs (see main/studies/report.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { STUDY_AXIS_KEYS, STUDY_METRICS, type StudyAxisKey, type StudyMetric } from '../../shared/contract/studies';
import { buildReportHtml, type ReportTarget } from '../studies/report';
import { openWorkstation, UsageError } from './common';
import { TRAIN_FLAGS } from './train-options';
import { isLocale, localeFromEnv, LOCALES } from '../../shared/i18n/locale';

export const REPORT_HELP = `Usage: bloombench report <study|run>... <file.html> [options]

Writes one self-contained HTML page (no external files): the setup, the results grid, the
training curves, confusion matrices and a sample of the test images the runs get wrong, with
the images embedded. Open it in a browser, print it to PDF, or hand it in.

  <study>        a study id or name; 'study:3' when a number should mean a study
  <run>...       one or more run ids (plain numbers), compared with each other

Options:
  --study S             the study (instead of a positional)
  --metric M            the grid's metric: ${STUDY_METRICS.join(', ')}
  --rows A,B --cols C   grid layout (settings of the study)
  --pool                pool the settings in neither rows nor columns instead of one table each
  --failures N          images per failure group (default 24)
  --lang L              the report's language: ${LOCALES.join(', ')} (default: the system's, from
                        LANGUAGE, LC_ALL, LC_MESSAGES or LANG; English when it is neither)
`;

function axisList(text: string | undefined, what: string): StudyAxisKey[] | undefined {
  if (text === undefined) return undefined;
  if (text === '' || text === 'none') return [];
  return text.split(',').map((s) => {
    const t = s.trim();
    const spec = (TRAIN_FLAGS as Record<string, { field: string }>)[t];
    const key = spec ? spec.field : t;
    if (!(STUDY_AXIS_KEYS as readonly string[]).includes(key)) throw new UsageError(`--${what}: "${t}" is not a setting.`);
    return key as StudyAxisKey;
  });
}

/** `bloombench report …`; returns the exit code. */
export async function reportCommand(args: string[], home: string | undefined): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      study: { type: 'string' },
      metric: { type: 'string' },
      rows: { type: 'string' },
      cols: { type: 'string' },
      pool: { type: 'boolean' },
      failures: { type: 'string' },
      lang: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return 0;
  }
  const file = positionals[positionals.length - 1];
  const refs = positionals.slice(0, -1);
  if (!file || !/\.html?$/i.test(file)) throw new UsageError('report needs a target file ending in .html: bloombench report <study|run>... <file.html>');
  if (values.metric !== undefined && !(STUDY_METRICS as readonly string[]).includes(values.metric)) throw new UsageError(`--metric: "${values.metric}" is not one of ${STUDY_METRICS.join(', ')}.`);
  if (values.lang !== undefined && !isLocale(values.lang)) throw new UsageError(`--lang: "${values.lang}" is not one of ${LOCALES.join(', ')}.`);
  const locale = values.lang !== undefined && isLocale(values.lang) ? values.lang : localeFromEnv(process.env);
  const failures = values.failures === undefined ? undefined : Number(values.failures);
  if (failures !== undefined && (!Number.isInteger(failures) || failures < 0)) throw new UsageError(`--failures: "${values.failures}" must be a whole number ≥ 0.`);

  const ws = openWorkstation(home);
  try {
    let target: ReportTarget;
    const studyRef = values.study ?? (refs.length === 1 && !/^\d+$/.test(refs[0]) ? refs[0].replace(/^study:/, '') : undefined);
    if (studyRef !== undefined) {
      if (values.study !== undefined && refs.length) throw new UsageError('Give either a study or runs, not both.');
      try {
        target = { studyId: (await ws.resolveStudy(studyRef)).id };
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    } else {
      if (!refs.length) throw new UsageError('report needs a study or runs: bloombench report <study|run>... <file.html>');
      const ids = refs.map((r) => {
        const n = Number(r);
        if (!Number.isInteger(n) || n <= 0) throw new UsageError(`"${r}" is not a run id; a study goes alone (its name, or study:<id>).`);
        return n;
      });
      for (const id of ids) {
        try {
          await ws.getRun(id);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      }
      target = { runIds: ids };
    }
    let html: string;
    try {
      html = await buildReportHtml(ws, target, {
        metric: values.metric as StudyMetric | undefined,
        rows: axisList(values.rows, 'rows'),
        cols: axisList(values.cols, 'cols'),
        rest: values.pool ? 'pool' : 'split',
        failures,
        locale,
      });
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError((e as Error).message);
    }
    const out = path.resolve(file);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, html);
    process.stdout.write(`Wrote ${out} (${(Buffer.byteLength(html) / 1024).toFixed(0)} kB)\n`);
    return 0;
  } finally {
    await ws.close();
  }
}
