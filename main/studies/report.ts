/**
 * A self-contained HTML report of a study or of some runs: setup, results grid, curves as
 * inline SVG, confusion matrices, and a sample of failures with the images embedded as small
 * base64 thumbnails — one file a student can hand in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { AUGMENTATION_INFO, AUGMENTATIONS, type TrainConfig } from '../../shared/config';
import { SETTINGS, settingValue, type Setting } from '../../shared/config-text';
import { describeRunStart } from '../../shared/pretrained';
import {
  STUDY_AXIS_TITLES,
  type ConfusionDiff,
  type CurveGroup,
  type FailuresAcrossRuns,
  type ImageAcrossRuns,
  type RunMetrics,
  type StudyAxisKey,
  type StudyDetail,
  type StudyGrid,
  type StudyMetric,
} from '../../shared/contract/studies';
import type { EpochMetrics, Evaluation, RunDetail, RunSummary } from '../../shared/types';
import type { Workstation } from '../core/workstation';
import { decodeSquare } from '../datasets/decode';
import { curveGroup } from './aggregate';
import { cellText, tableCaption, verdictText } from './export';
import { formatInterval, formatMeanStd, formatP, formatValue, percent as pct } from '../../shared/format';
import { CALIBRATION_BINS, type Calibration } from '../../shared/calibration';
import type { PairedTest } from '../../shared/contract/analysis';
import { reliabilitySvg } from './reliability-svg';
import { seriesColor } from '../../shared/palette';
import { escapeXml as esc, lineChartSvg, type ChartSeries } from './svg';

export interface ReportOptions {
  /** The grid's metric (default test accuracy). */
  readonly metric?: StudyMetric;
  readonly rows?: readonly StudyAxisKey[];
  readonly cols?: readonly StudyAxisKey[];
  readonly rest?: 'split' | 'pool';
  /** Images shown per failure group (default 24). */
  readonly failures?: number;
  /** Side of the embedded thumbnails in pixels (default 88). */
  readonly thumbnail?: number;
}

export type ReportTarget = { readonly studyId: number } | { readonly runIds: readonly number[] };

/** A run as the report lists it. */
interface ReportRun {
  readonly run: RunSummary;
  /** Cell labels (study) or the run name. */
  readonly label: string;
  readonly metrics: RunMetrics | null;
}


function version(): string {
  for (const up of ['../..', '../../..']) {
    try {
      return (JSON.parse(fs.readFileSync(path.join(__dirname, up, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // try the next level
    }
  }
  return '';
}

/** The configuration as setting/value pairs, in the order of the run form. */
function configRows(c: TrainConfig): [Setting, string][] {
  return SETTINGS.map((k) => [k, settingValue(k, c[k])]);
}

const title = (k: Setting) => (k === 'seed' ? 'seed' : STUDY_AXIS_TITLES[k]);

/** An embedded JPEG of what the model saw, or null when the file cannot be read any more. */
async function thumbnail(ws: Workstation, imageId: number, size: number): Promise<string | null> {
  try {
    const file = ws.imageFile(imageId);
    const rgb = await decodeSquare(await fs.promises.readFile(file), size, 3);
    const jpeg = await sharp(rgb, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 74 }).toBuffer();
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  } catch {
    return null;
  }
}

function gridHtml(grid: StudyGrid): string {
  const out: string[] = [];
  grid.tables.forEach((t, ti) => {
    const rowTitles = grid.rowAxes.length ? grid.rowAxes.map((k) => STUDY_AXIS_TITLES[k]) : [''];
    const corner = grid.colAxes.length ? `${rowTitles.map(esc).join(' · ')} ↓ / ${grid.colAxes.map((k) => esc(STUDY_AXIS_TITLES[k])).join(' · ')} →` : rowTitles.map(esc).join(' · ');
    out.push(`<table class="grid"><caption>${esc(tableCaption(grid, ti))}</caption><thead><tr>`);
    out.push(`<th colspan="${Math.max(1, grid.rowAxes.length)}" class="corner">${corner}</th>`);
    for (const c of grid.colAxes.length ? grid.cols : [{ labels: [grid.info.label] }]) out.push(`<th>${esc(c.labels.join(' · '))}</th>`);
    out.push('</tr></thead><tbody>');
    grid.rows.forEach((r, ri) => {
      out.push('<tr>');
      for (const l of grid.rowAxes.length ? r.labels : ['all runs']) out.push(`<th>${esc(l)}</th>`);
      for (const cell of t.cells[ri]) {
        const main = cell.n ? formatMeanStd(cell, grid.info) : esc(cellText(cell, grid.info, false));
        const ids = cell.runs.map((x) => `#${x.runId}${x.status === 'completed' ? '' : ` ${x.status}`}`).join(', ');
        const note = `${cell.n > 0 ? `n=${cell.n}` : ''}${ids ? `${cell.n > 0 ? ': ' : ''}${ids}` : ''}${cell.pending ? `${ids || cell.n ? '; ' : ''}${cell.pending} pending` : ''}`;
        const ci = formatInterval(cell.ci95, grid.info);
        const cls = [cell.winner ? 'best' : cell.best ? 'lead' : '', cell.n ? '' : 'empty'].filter(Boolean).join(' ');
        out.push(
          `<td${cls ? ` class="${cls}"` : ''}><span class="v">${main}</span>${cell.winner ? ' <span class="star" title="best cell, beyond chance">★</span>' : ''}${ci ? `<br><span class="ci">95% CI ${esc(ci)}</span>` : ''}<br><span class="ids">${esc(note)}</span></td>`,
        );
      }
      out.push('</tr>');
    });
    out.push('</tbody></table>');
  });
  const verdict = verdictText(grid);
  if (verdict) out.push(`<p class="verdict ${grid.verdict.kind}">${esc(verdict)}</p>`);
  return out.join('');
}

/** Each axis's value averaged over the other axes, as a small table per axis. */
function mainEffectsHtml(grid: StudyGrid): string {
  if (grid.mainEffects.length < 2) return '';
  const tables = grid.mainEffects.map((e) => {
    const means = e.levels.map((l) => l.mean).filter((m): m is number => m !== null);
    const top = means.length ? (grid.info.higherIsBetter ? Math.max(...means) : Math.min(...means)) : null;
    const rows = e.levels.map(
      (l) =>
        `<tr${l.mean !== null && l.mean === top ? ' class="top"' : ''}><th>${esc(l.label)}</th><td class="num">${esc(formatValue(l.mean, grid.info))}</td><td class="num">${l.points ? `${esc(formatValue(l.min, grid.info))} – ${esc(formatValue(l.max, grid.info))}` : '—'}</td><td class="num">${l.points}</td><td class="num">${l.runs}</td></tr>`,
    );
    return `<table class="effects"><caption>${esc(e.title)}</caption><thead><tr><th></th><th>mean</th><th>range over cells</th><th>cells</th><th>runs</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  });
  return `<h3>Main effects <small>(${esc(grid.info.label)}: each value averaged over the other axes, every cell counted once)</small></h3><div class="row">${tables.join('')}</div>`;
}

function chartHtml(groups: readonly CurveGroup[], chartTitle: string, accuracy: boolean, band: boolean): string {
  const series: ChartSeries[] = groups
    .filter((g) => g.points.length)
    .map((g, i) => ({
      label: g.label,
      color: seriesColor(i),
      points: g.points.map((p) => ({ x: p.epoch, y: p.mean!, ...(band && p.n > 1 ? { lo: p.min!, hi: p.max! } : {}) })),
    }));
  if (!series.length) return '';
  const svg = lineChartSvg({
    title: chartTitle,
    xLabel: 'epoch',
    series,
    yFormat: accuracy ? (v) => `${Math.round(v * 100)}%` : (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(2)),
    yMax: accuracy ? 1 : undefined,
  });
  const legend = series.map((s) => `<span class="key"><i style="background:${s.color}"></i>${esc(s.label)}</span>`).join('');
  return `<figure class="chart">${svg}<figcaption>${legend}</figcaption></figure>`;
}

function confusionHtml(ev: Evaluation, heading: string): string {
  const max = Math.max(1, ...ev.confusion.flat());
  const rows = ev.confusion
    .map((row, t) => {
      const cells = row
        .map((v, p) => {
          const a = v / max;
          const bg = t === p ? `rgba(5,150,105,${(0.12 + 0.75 * a).toFixed(2)})` : v ? `rgba(225,29,72,${(0.1 + 0.7 * a).toFixed(2)})` : 'transparent';
          return `<td style="background:${bg}${a > 0.55 ? ';color:#fff' : ''}">${v}</td>`;
        })
        .join('');
      const recall = ev.perClass[t]?.recall;
      return `<tr><th>${esc(ev.classes[t])}</th>${cells}<td class="side">${pct(recall ?? null)}</td></tr>`;
    })
    .join('');
  return `<table class="cm"><caption>${esc(heading)}</caption><thead><tr><th class="corner">true ↓<br>predicted →</th>${ev.classes.map((c) => `<th>${esc(c)}</th>`).join('')}<th class="side">recall</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function diffHtml(d: ConfusionDiff): string {
  const rows = d.diff
    .map((row, t) => {
      const cells = row
        .map((v, p) => {
          // On the diagonal more is better; off it, fewer.
          const good = t === p ? v > 0 : v < 0;
          const bg = v === 0 ? 'transparent' : good ? 'rgba(5,150,105,0.25)' : 'rgba(225,29,72,0.25)';
          return `<td style="background:${bg}">${v > 0 ? `+${v}` : v}</td>`;
        })
        .join('');
      return `<tr><th>${esc(d.classes[t])}</th>${cells}</tr>`;
    })
    .join('');
  return `<table class="cm"><caption>Difference: run #${d.runB} − run #${d.runA} (green: #${d.runB} better)</caption><thead><tr><th class="corner">true ↓<br>predicted →</th>${d.classes.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
}

function answersHtml(img: ImageAcrossRuns, labelOf: (runId: number) => string): string {
  if (img.answers.length <= 4) {
    return img.answers
      .map((a) => `<li class="${a.correct ? 'ok' : 'bad'}">${a.correct ? '✓' : '✗'} <b>${esc(a.predictedClass)}</b> ${pct(a.probability)} <span class="who">#${a.runId} ${esc(labelOf(a.runId))}</span></li>`)
      .join('');
  }
  const byClass = new Map<string, { n: number; p: number; correct: boolean; runs: number[] }>();
  for (const a of img.answers) {
    const e = byClass.get(a.predictedClass) ?? { n: 0, p: 0, correct: a.correct, runs: [] };
    e.n++;
    e.p += a.probability;
    e.runs.push(a.runId);
    byClass.set(a.predictedClass, e);
  }
  return [...byClass.entries()]
    .sort((x, y) => y[1].n - x[1].n)
    .map(([c, e]) => `<li class="${e.correct ? 'ok' : 'bad'}" title="runs ${e.runs.join(', ')}">${e.correct ? '✓' : '✗'} <b>${esc(c)}</b> ×${e.n} <span class="who">mean ${pct(e.p / e.n)}${e.n <= 3 ? `, #${e.runs.join(', #')}` : ''}</span></li>`)
    .join('');
}

async function failureCards(ws: Workstation, images: readonly ImageAcrossRuns[], size: number, labelOf: (runId: number) => string): Promise<string> {
  const thumbs = await Promise.all(images.map((img) => thumbnail(ws, img.imageId, size)));
  return images
    .map((img, i) => {
      const pic = thumbs[i] ? `<img src="${thumbs[i]}" width="${size}" height="${size}" alt="${esc(img.path)}">` : `<div class="noimg" style="width:${size}px;height:${size}px">image not found</div>`;
      return `<div class="card">${pic}<div class="meta"><div class="truth">${esc(img.trueClass)}</div><div class="path" title="${esc(img.path)}">${esc(path.basename(img.path))}</div><ul>${answersHtml(img, labelOf)}</ul></div></div>`;
    })
    .join('');
}

async function failuresHtml(ws: Workstation, f: FailuresAcrossRuns, size: number, labelOf: (runId: number) => string): Promise<string> {
  const parts: string[] = [];
  const n = f.runIds.length;
  parts.push(
    `<p>Over the ${f.testImages} test images, <b>${f.allWrong.count}</b> are wrong in every one of the ${n} run${n === 1 ? '' : 's'}` +
      (n > 1 ? `, the runs disagree on <b>${f.disagree.count}</b>, and <b>${f.onlyOneRight.count}</b> are right in only one run (${f.onlyOneRight.perRun.filter((p) => p.count).map((p) => `#${p.runId}: ${p.count}`).join(', ') || 'none'})` : '') +
      '.</p>',
  );
  if (f.allWrong.images.length) {
    parts.push(`<h3>Wrong in every run <small>(${f.allWrong.images.length} of ${f.allWrong.count}, most confident first)</small></h3>`);
    parts.push(`<div class="cards">${await failureCards(ws, f.allWrong.images, size, labelOf)}</div>`);
  }
  if (n > 1 && f.onlyOneRight.images.length) {
    parts.push(`<h3>Right in only one run <small>(${f.onlyOneRight.images.length} of ${f.onlyOneRight.count})</small></h3>`);
    parts.push(`<div class="cards">${await failureCards(ws, f.onlyOneRight.images, size, labelOf)}</div>`);
  }
  return parts.join('');
}

/** McNemar's exact test between the two best runs, in a sentence and a 2×2 table. */
function pairedHtml(p: PairedTest, a: ReportRun, b: ReportRun): string {
  const verdict = p.p < 0.05 ? 'beyond chance' : 'within chance';
  return (
    `<h3>Is #${a.run.id}'s lead over #${b.run.id} real? <small>McNemar's exact test on the same ${p.images} test images</small></h3>` +
    `<table class="cm"><thead><tr><th class="side"></th><th>#${b.run.id} right</th><th>#${b.run.id} wrong</th></tr></thead><tbody>` +
    `<tr><th class="side">#${a.run.id} right</th><td>${p.bothRight}</td><td><b>${p.onlyA}</b></td></tr>` +
    `<tr><th class="side">#${a.run.id} wrong</th><td><b>${p.onlyB}</b></td><td>${p.bothWrong}</td></tr></tbody></table>` +
    `<p>Only #${a.run.id} (${esc(a.label)}) is right on <b>${p.onlyA}</b> images, only #${b.run.id} (${esc(b.label)}) on <b>${p.onlyB}</b>: p = ${esc(formatP(p.p))}, ${verdict}.</p>`
  );
}

function runsTableHtml(runs: readonly ReportRun[], bestId: number | null, varied: readonly Setting[], calibrationOf: (runId: number) => Calibration | null): string {
  const head = ['run', ...varied.map(title), 'start', 'status', 'kept epoch', 'test acc', 'val acc', 'ECE', 'top-k', 'train loss', 'time', 'img/s', 'backend'];
  const rows = runs.map(({ run, metrics: m }) => {
    const cal = calibrationOf(run.id);
    const cfg = Object.fromEntries(configRows(run.config));
    const cells = [
      `#${run.id}`,
      ...varied.map((k) => esc(cfg[k] ?? '')),
      esc(describeRunStart(run)),
      esc(run.status),
      m?.keptEpoch !== null && m?.keptEpoch !== undefined ? `${m.keptEpoch} / ${m.epochsDone}` : '—',
      pct(m?.testAccuracy),
      pct(m?.bestValAccuracy),
      cal ? pct(cal.ece) : '—',
      cal && cal.topK !== null ? `top-${cal.topK} ${pct(cal.topKAccuracy)}` : '—',
      formatValue(m?.trainLoss, 'loss'),
      formatValue(m?.seconds, 'seconds'),
      formatValue(m?.imagesPerSecond, 'rate'),
      esc(run.backend ?? '—'),
    ];
    return `<tr class="${run.id === bestId ? 'best' : ''}">${cells.map((c, i) => `<td${i >= varied.length + 4 ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  return `<table class="runs"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; margin: 0; background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e5e7eb; }
h3 { font-size: 15px; margin: 20px 0 8px; }
h3 small, .sub { color: #6b7280; font-weight: normal; }
.sub { margin: 0 0 14px; }
.summary { background: #f0fdf4; border: 1px solid #bbf7d0; border-radius: 8px; padding: 10px 14px; }
dl.setup { display: grid; grid-template-columns: repeat(3, max-content minmax(0, 1fr)); gap: 4px 14px; margin: 0; }
dl.setup.varied { grid-template-columns: max-content minmax(0, 1fr); margin-top: 10px; }
dl.setup dt { color: #6b7280; } dl.setup dd { margin: 0; }
table { border-collapse: collapse; margin: 8px 0 18px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; color: #374151; }
th, td { border: 1px solid #e5e7eb; padding: 5px 9px; text-align: left; vertical-align: top; }
thead th { background: #f9fafb; font-weight: 600; }
th.corner { color: #6b7280; font-weight: normal; font-size: 12px; }
table.grid td { min-width: 120px; text-align: right; }
table.grid td .v { font-size: 15px; font-variant-numeric: tabular-nums; }
table.grid td .ids { font-size: 11px; color: #6b7280; }
table.grid td.best { background: #ecfdf5; outline: 2px solid #059669; outline-offset: -2px; }
table.grid td.lead { outline: 2px dashed #9ca3af; outline-offset: -2px; }
table.grid td .ci { font-size: 11px; color: #374151; }
p.verdict { margin: -6px 0 14px; font-weight: 600; }
p.verdict.no-clear-winner { color: #92400e; }
table.effects { margin-right: 8px; }
table.effects td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.effects tr.top th, table.effects tr.top td { background: #ecfdf5; }
table.grid td.empty .v { color: #9ca3af; }
.star { color: #059669; }
table.runs td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.runs tr.best td { background: #ecfdf5; }
table.cm th, table.cm td { padding: 4px 7px; }
table.cm td { text-align: center; min-width: 34px; font-variant-numeric: tabular-nums; }
table.cm td.side, table.cm th.side { background: #f9fafb; color: #374151; }
.row { display: flex; flex-wrap: wrap; gap: 18px 28px; align-items: flex-start; }
figure.chart { margin: 0; }
figcaption { font-size: 12px; color: #374151; max-width: 520px; }
.key { display: inline-flex; align-items: center; margin-right: 12px; }
.key i { width: 12px; height: 3px; margin-right: 5px; display: inline-block; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; }
.card { display: flex; gap: 10px; border: 1px solid #e5e7eb; border-radius: 8px; padding: 8px; break-inside: avoid; }
.card img, .noimg { border-radius: 4px; flex: none; image-rendering: auto; }
.noimg { background: #f3f4f6; color: #9ca3af; font-size: 11px; display: flex; align-items: center; justify-content: center; text-align: center; }
.card .meta { min-width: 0; }
.card .truth { font-weight: 600; }
.card .path { font-size: 11px; color: #6b7280; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.card ul { margin: 4px 0 0; padding: 0; list-style: none; font-size: 12px; }
.card li { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.card li.ok { color: #047857; } .card li.bad { color: #9f1239; }
.card .who { color: #6b7280; }
.note { color: #6b7280; font-size: 12px; }
footer { margin-top: 40px; color: #6b7280; font-size: 12px; border-top: 1px solid #e5e7eb; padding-top: 10px; }
@media print { main { padding: 0; } h2 { break-after: avoid; } .card, table, figure { break-inside: avoid; } }
`;

/** One metric per epoch for each run (`values[e - 1]` is epoch e; null where an epoch has none). */
function epochSeries(details: readonly RunDetail[], value: (m: EpochMetrics) => number | null): Map<number, (number | null)[]> {
  const out = new Map<number, (number | null)[]>();
  for (const d of details) {
    const list: (number | null)[] = [];
    for (const m of d.epochs) list[m.epoch - 1] = value(m);
    out.set(d.id, Array.from(list, (v) => v ?? null));
  }
  return out;
}

/** Builds the report for a study or a list of runs. */
export async function buildReportHtml(ws: Workstation, target: ReportTarget, opts: ReportOptions = {}): Promise<string> {
  const thumb = opts.thumbnail ?? 88;
  const sample = opts.failures ?? 24;
  const metric = opts.metric ?? 'test_accuracy';
  let study: StudyDetail | null = null;
  let runIds: number[];
  if ('studyId' in target) {
    study = await ws.getStudy(target.studyId);
    runIds = study.cells.filter((c) => c.runId !== null).map((c) => c.runId!);
  } else {
    if (!target.runIds.length) throw new Error('A report needs a study or at least one run.');
    runIds = [...new Set(target.runIds)];
  }
  // Everything through the Workstation's verbs, as the app and the CLI see it.
  const metrics = new Map((await ws.runMetrics({ runIds })).map((m) => [m.runId, m]));
  const cellOf = new Map(study ? study.cells.filter((c) => c.runId !== null).map((c) => [c.runId!, c]) : []);
  const summaries = await Promise.all(runIds.map((id) => ws.getRun(id)));
  const detailOf = new Map(summaries.map((d) => [d.id, d]));
  const base = study ? study.base : summaries[0].config;
  // The settings that differ: a study's axes (and seeds); for loose runs, whatever differs between them.
  const varied: Setting[] = study
    ? [...study.axes.map((a) => a.key), ...(study.repeats > 1 ? (['seed'] as const) : [])]
    : (configRows(base)
        .map(([k]) => k)
        .filter((k) => new Set(summaries.map((r) => Object.fromEntries(configRows(r.config))[k])).size > 1) as Setting[]);
  const runs: ReportRun[] = summaries.map((run) => {
    const cell = cellOf.get(run.id);
    const cfg = Object.fromEntries(configRows(run.config));
    const label = cell
      ? [...cell.labels, ...(study!.repeats > 1 || !cell.labels.length ? [`seed ${cell.seed}`] : [])].join(' · ')
      : varied.length
        ? varied.map((k) => cfg[k]).join(' · ')
        : run.name;
    return { run, label, metrics: metrics.get(run.id) ?? null };
  });
  const labelOf = (runId: number) => runs.find((r) => r.run.id === runId)?.label ?? '';
  const completed = runs.filter((r) => r.run.status === 'completed' && r.metrics?.testAccuracy !== null && r.metrics?.testAccuracy !== undefined);
  const byAcc = [...completed].sort((a, b) => b.metrics!.testAccuracy! - a.metrics!.testAccuracy! || a.run.id - b.run.id);
  const datasetIds = [...new Set(runs.map((r) => r.run.datasetId))];
  const ds = await ws.getDataset(study ? study.datasetId : datasetIds[0]);

  const html: string[] = [];
  const heading = study ? study.name : runs.length === 1 ? `Run #${runs[0].run.id} ${runs[0].run.name}` : `Runs ${runs.map((r) => `#${r.run.id}`).join(', ')}`;
  const when = new Date();
  html.push(`<h1>${esc(heading)}</h1>`);
  html.push(
    `<p class="sub">${study ? 'Study' : 'Comparison'} on <b>${esc(ds.name)}</b> — ${ds.classes.length} classes, ${ds.total} images (${ds.split.train} train / ${ds.split.val} validation / ${ds.split.test} test, the same test images for every run) · ${esc(when.toISOString().slice(0, 16).replace('T', ' '))} UTC</p>`,
  );

  // Summary
  let grid: StudyGrid | null = null;
  if (study) {
    grid = await ws.studyGrid(study.id, { metric, rows: opts.rows, cols: opts.cols, rest: opts.rest });
    const c = study.counts;
    let line = `${study.runCount} runs planned (${study.axes.map((a) => `${a.values.length} ${a.title}`).join(' × ') || 'one configuration'}${study.repeats > 1 ? ` × ${study.repeats} seeds` : ''}); ${c.completed} completed${c.failed ? `, ${c.failed} failed` : ''}${c.pending + c.queued + c.running + c.cancelled + c.interrupted ? `, ${c.pending + c.queued + c.running + c.cancelled + c.interrupted} not finished` : ''}.`;
    if (grid.best) {
      const g = grid;
      const places: string[] = [];
      let bestCell = g.tables[g.best!.table].cells[g.best!.row][g.best!.col];
      g.tables.forEach((t, ti) =>
        t.cells.forEach((row, ri) =>
          row.forEach((cell, ci) => {
            if (!cell.best) return;
            bestCell = places.length ? bestCell : cell;
            const where = [
              ...g.rowAxes.map((k, i) => `${STUDY_AXIS_TITLES[k]} ${g.rows[ri].labels[i]}`),
              ...g.colAxes.map((k, i) => `${STUDY_AXIS_TITLES[k]} ${g.cols[ci].labels[i]}`),
              ...g.tables[ti].fixed.map((f) => `${f.title} ${f.label}`),
            ].join(', ');
            places.push(`${where ? esc(where) : 'all runs'} (run${cell.n === 1 ? '' : 's'} ${cell.runs.filter((r) => r.value !== null).map((r) => `#${r.runId}`).join(', ')})`);
          }),
        ),
      );
      line += ` Best ${esc(g.info.label)}: <b>${esc(formatMeanStd(bestCell, g.info))}</b> with ${places.join(places.length > 1 ? ', tied with ' : '')}.`;
      const verdict = verdictText(g);
      if (verdict) line += ` ${esc(verdict)}`;
    }
    html.push(`<p class="summary">${line}</p>`);
  } else if (byAcc.length) {
    html.push(`<p class="summary">${runs.length} run${runs.length === 1 ? '' : 's'}, ${completed.length} completed. Best test accuracy: <b>${pct(byAcc[0].metrics!.testAccuracy)}</b>, run #${byAcc[0].run.id} ${esc(byAcc[0].label)}.</p>`);
  }

  // Setup
  html.push('<h2>Setup</h2>');
  const common = configRows(base)
    .filter(([k]) => !varied.includes(k))
    .map(([k, v]) => `<dt>${esc(title(k))}</dt><dd>${esc(v)}</dd>`);
  html.push(`<dl class="setup">${common.join('')}</dl>`);
  const more: string[] = [];
  if (study) {
    for (const a of study.axes) more.push(`<dt><b>${esc(a.title)}</b></dt><dd><b>varied:</b> ${a.labels.map(esc).join(', ')}</dd>`);
    if (study.repeats > 1) more.push(`<dt><b>seed</b></dt><dd><b>${study.repeats} per cell:</b> ${Array.from({ length: study.repeats }, (_, i) => study!.base.seed + i).join(', ')}</dd>`);
  } else if (varied.length) {
    more.push(`<dt><b>varied</b></dt><dd>${varied.map((k) => esc(title(k))).join(', ')} (see the runs table)</dd>`);
  }
  const backends = [...new Set(runs.map((r) => detailOf.get(r.run.id)?.backendInfo?.description).filter((d): d is string => !!d))];
  if (backends.length) more.push(`<dt>compute</dt><dd>${backends.map(esc).join('; ')} — ${esc(os.cpus()[0]?.model ?? '')} (${os.cpus().length} cores)</dd>`);
  if (more.length) html.push(`<dl class="setup varied">${more.join('')}</dl>`);
  // Two crops look alike by name: say what each augmentation these runs used does.
  const augmented = new Set([...base.augment, ...runs.flatMap((r) => r.run.config.augment), ...(study?.axes ?? []).flatMap((a) => (a.key === 'augment' ? a.values.flat() : []))]);
  const used = AUGMENTATIONS.filter((a) => augmented.has(a));
  if (used.length) html.push(`<p class="note augmentations">Augmentations: ${used.map((a) => `<b>${a}</b> — ${esc(AUGMENTATION_INFO[a])}`).join('; ')}.</p>`);
  if (study?.notes) html.push(`<p>${esc(study.notes)}</p>`);

  // Results
  html.push('<h2>Results</h2>');
  if (grid) {
    html.push(gridHtml(grid));
    html.push(
      `<p class="note">Mean ± sample standard deviation over the seeds of each cell, with its 95% confidence interval (Student's t); every number is read at the epoch whose weights the run kept (its best ${esc(study!.base.monitor.replace('_', ' '))}), and test accuracy is measured with those weights. ★ the best cell, only when it beats the runner-up beyond chance (Welch's t-test, p &lt; 0.05); an outlined cell has the best mean without that. #N are run ids.</p>`,
    );
    html.push(mainEffectsHtml(grid));
    const extra: StudyMetric[] = (['best_val_accuracy', 'time'] as StudyMetric[]).filter((m) => m !== metric);
    for (const m of extra) html.push(gridHtml(await ws.studyGrid(study!.id, { metric: m, rows: opts.rows, cols: opts.cols, rest: opts.rest })));
  }
  html.push(`<h3>Every run</h3>`);
  const calibrationOf = (runId: number) => detailOf.get(runId)?.calibration ?? null;
  html.push(runsTableHtml(study ? runs : [...runs].sort((a, b) => (b.metrics?.testAccuracy ?? -1) - (a.metrics?.testAccuracy ?? -1)), byAcc[0]?.run.id ?? null, varied, calibrationOf));
  html.push(`<p class="note">ECE: expected calibration error over ${CALIBRATION_BINS} confidence bins (0 is perfectly calibrated); top-k: the true class among the k most probable (k = 2 up to 10 classes, 5 beyond).</p>`);

  // Curves
  html.push('<h2>Training curves</h2>');
  const charts: string[] = [];
  if (study) {
    const bys: (StudyAxisKey | null)[] = study.axes.length ? study.axes.slice(0, 3).map((a) => a.key) : [null];
    for (const by of bys) {
      const acc = await ws.studyCurves(study.id, { by, metric: 'val_accuracy' });
      const loss = await ws.studyCurves(study.id, { by, metric: 'train_loss' });
      const name = by ? ` by ${STUDY_AXIS_TITLES[by]}` : '';
      charts.push(`<div class="row">${chartHtml(acc.groups, `Validation accuracy${name}`, true, true)}${chartHtml(loss.groups, `Training loss${name}`, false, true)}</div>`);
    }
    html.push(charts.join(''));
    html.push(`<p class="note">Lines: mean over the runs of each group, per epoch; shaded: their minimum to maximum${study.repeats > 1 || study.axes.length > 1 ? ' (over seeds and the other settings)' : ''}.</p>`);
  } else {
    const accSeries = epochSeries(summaries, (m) => m.valAccuracy);
    const lossSeries = epochSeries(summaries, (m) => m.trainLoss);
    const groups = (s: Map<number, (number | null)[]>) => runs.map((r) => curveGroup(`#${r.run.id} ${r.label}`, [{ runId: r.run.id, keptEpoch: r.metrics?.keptEpoch ?? null, values: s.get(r.run.id) ?? [] }]));
    html.push(`<div class="row">${chartHtml(groups(accSeries), 'Validation accuracy', true, false)}${chartHtml(groups(lossSeries), 'Training loss', false, false)}</div>`);
  }

  // Confusion matrices
  const sameDataset = datasetIds.length === 1;
  if (byAcc.length) {
    html.push('<h2>Confusion matrices</h2>');
    const best = byAcc[0];
    const worst = byAcc[byAcc.length - 1];
    const evBest = detailOf.get(best.run.id)?.test ?? null;
    const parts: string[] = [];
    if (evBest) parts.push(confusionHtml(evBest, `Best run #${best.run.id} (${best.label}): ${pct(evBest.accuracy)}`));
    if (worst !== best) {
      const evWorst = detailOf.get(worst.run.id)?.test ?? null;
      if (evWorst) parts.push(confusionHtml(evWorst, `Weakest run #${worst.run.id} (${worst.label}): ${pct(evWorst.accuracy)}`));
      if (sameDataset) parts.push(diffHtml(await ws.confusionDiff(worst.run.id, best.run.id)));
    }
    html.push(`<div class="row">${parts.join('')}</div>`);
    html.push('<p class="note">Rows: true class; columns: predicted class, on the test images. Green: right; red: mistakes; darker is more.</p>');
    // Is the best run's lead over the next one real? McNemar's exact test on the same test images.
    const second = byAcc[1];
    if (second && sameDataset) {
      const pair = (await ws.compareRuns([best.run.id, second.run.id])).pairs[0];
      if (pair) html.push(pairedHtml(pair, best, second));
    }

    html.push('<h2>Calibration</h2>');
    const diagrams = [best, ...(worst !== best ? [worst] : [])]
      .map((r) => {
        const cal = calibrationOf(r.run.id);
        return cal ? `<figure class="chart">${reliabilitySvg(cal, `#${r.run.id} ${r.label}`)}<figcaption>ECE ${pct(cal.ece)}, MCE ${pct(cal.mce)}; ${cal.overconfidence >= 0 ? 'over' : 'under'}-confident by ${(100 * Math.abs(cal.overconfidence)).toFixed(1)} points${cal.topK !== null ? `; top-${cal.topK} ${pct(cal.topKAccuracy)}` : ''} (${cal.images} test images)</figcaption></figure>` : '';
      })
      .join('');
    html.push(`<div class="row">${diagrams}</div>`);
    html.push(`<p class="note">Reliability diagrams (Guo et al., 2017): the test images in ${CALIBRATION_BINS} bins of confidence (the top probability); a bar is the bin's accuracy, red the gap to its mean confidence, the dashed diagonal perfect calibration. Red above a bar: over-confident.</p>`);
  }

  // Failures
  html.push('<h2>Failures across runs</h2>');
  if (!sameDataset) html.push('<p>The runs are on different datasets, so their test images cannot be compared one by one.</p>');
  else if (!completed.length) html.push('<p>No run has completed yet.</p>');
  else {
    const f = await ws.failuresAcrossRuns({ runIds: completed.map((r) => r.run.id) }, { limit: sample });
    html.push(await failuresHtml(ws, f, thumb, labelOf));
  }

  html.push(
    `<footer>Written by Bloombench${version() ? ` ${esc(version())}` : ''} on ${esc(when.toISOString().slice(0, 10))}. ${study ? `Study #${study.id}; ` : ''}runs ${runIds.map((id) => `#${id}`).join(', ')} — their full settings and per-epoch metrics: <code>bloombench show &lt;run&gt;</code>. Thumbnails are the images as the models saw them.</footer>`,
  );

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(heading)} — Bloombench report</title>
<style>${CSS}</style></head>
<body><main>
${html.join('\n')}
</main></body></html>
`;
}
