/**
 * A self-contained HTML report of a study or of some runs: setup, results grid, curves as
 * inline SVG, confusion matrices, and a sample of failures with the images embedded as small
 * base64 thumbnails — one file a student can hand in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { AUGMENTATIONS, type TrainConfig } from '../../shared/config';
import { SETTINGS, settingTitle, settingValue, type Setting } from '../../shared/config-text';
import { describeRunStart } from '../../shared/pretrained';
import { translator, type Translate } from '../../shared/i18n/catalogue';
import type { Locale } from '../../shared/i18n/locale';
import { sharedText, type SharedMessages } from '../../shared/i18n/messages';
import { REPORT_WORDS } from '../../shared/i18n/report-words';
import { backendDescription } from '../../shared/i18n/backend-words';
import {
  type ConfusionDiff,
  type CurveGroup,
  type FailuresAcrossRuns,
  type GridCell,
  type GridPlace,
  type ImageAcrossRuns,
  type RunMetrics,
  type StudyAxisKey,
  type StudyAxisView,
  type StudyDetail,
  type StudyGrid,
  type StudyMetric,
} from '../../shared/contract/studies';
import type { EpochMetrics, Evaluation, RunDetail, RunSummary } from '../../shared/types';
import type { Workstation } from '../core/workstation';
import { decodeSquare } from '../datasets/decode';
import { curveGroup } from './aggregate';
import { cellText, emptyCellText, tableCaption, verdictText } from './export';
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
  /** The report's language (default English). */
  readonly locale?: Locale;
}

/** The report's language: its own words, the shared ones, and how a study's values read in it. */
interface Lang {
  readonly locale: Locale;
  readonly w: Translate<typeof REPORT_WORDS>;
  readonly s: Translate<SharedMessages>;
  /** The study's axes (to write the grid's value labels in the language), empty for loose runs. */
  readonly axes: readonly StudyAxisView[];
}

function lang(locale: Locale, axes: readonly StudyAxisView[]): Lang {
  return { locale, w: translator(REPORT_WORDS, () => locale), s: sharedText(locale), axes };
}

/** Escapes text between tags (quotes stay as they are there). */
function escText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes a catalogue sentence for HTML and turns its **bold** and `code` marks into tags. */
function rich(text: string): string {
  return escText(text)
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** A value label of the core (English, `settingValue`'s) in the report's language, found on its axis. */
function labelIn(l: Lang, key: StudyAxisKey, label: string): string {
  if (l.locale === 'en') return label;
  const axis = l.axes.find((a) => a.key === key);
  const i = axis ? axis.labels.indexOf(label) : -1;
  return axis && i >= 0 ? settingValue(key, axis.values[i] as never, l.locale) : label;
}

/** A grid header's labels (one per axis of `keys`) in the report's language. */
function headerIn(l: Lang, keys: readonly StudyAxisKey[], labels: readonly string[]): string[] {
  return labels.map((label, i) => labelIn(l, keys[i], label));
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
function configRows(c: TrainConfig, locale: Locale = 'en'): [Setting, string][] {
  return SETTINGS.map((k) => [k, settingValue(k, c[k], locale)]);
}

const title = (k: Setting, locale: Locale) => settingTitle(k, locale);

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

/** A cell with no completed run, in words (`emptyCellText`'s in the report's language). */
function emptyCellIn(l: Lang, cell: GridCell): string {
  if (l.locale === 'en') return emptyCellText(cell);
  if (cell.runs.some((r) => r.status === 'running')) return l.w('report.cell.running');
  if (cell.runs.some((r) => r.status === 'queued')) return l.w('report.cell.queued');
  if (cell.pending > 0 && cell.runs.length === 0) return l.w('report.cell.pending');
  const failed = cell.runs.filter((r) => r.status === 'failed').length;
  if (failed) return l.w('report.cell.failed', { n: String(failed) });
  if (cell.runs.length) return l.s(`status.${cell.runs[0].status === 'pending' ? 'queued' : cell.runs[0].status}`);
  return cell.pending ? l.w('report.cell.pending') : '—';
}

/** A cell's place in words: its row, column and table values, `relu · cosine` (`placeLabel`'s). */
function placeIn(l: Lang, grid: StudyGrid, place: Pick<GridPlace, 'table' | 'row' | 'col'>): string {
  const labels = [
    ...headerIn(l, grid.rowAxes, grid.rows[place.row]?.labels ?? []),
    ...headerIn(l, grid.colAxes, grid.cols[place.col]?.labels ?? []),
    ...(grid.tables[place.table]?.fixed.map((f) => labelIn(l, f.key, f.label)) ?? []),
  ];
  return labels.join(' · ') || l.w('report.allRuns');
}

/** Whether the best cell won, in a sentence (`verdictText`'s in the report's language). */
function verdictIn(l: Lang, grid: StudyGrid): string {
  if (l.locale === 'en') return verdictText(grid);
  const v = grid.verdict;
  if ((v.kind !== 'winner' && v.kind !== 'no-clear-winner') || !v.best || !v.runnerUp) return '';
  const best = `${placeIn(l, grid, v.best)} (${formatValue(v.best.mean, grid.info, l.locale)})`;
  const second = `${placeIn(l, grid, v.runnerUp)} (${formatValue(v.runnerUp.mean, grid.info, l.locale)})`;
  const seeds = l.w('report.seeds', { n: v.seeds });
  if (v.kind === 'winner') return l.w('report.winner', { best, second, p: formatP(v.p), seeds });
  if (v.p === null) return l.w('report.noWinnerOneSeed', { seeds, best, second });
  return l.w('report.noWinner', { seeds, best, second, p: formatP(v.p) });
}

/** A table's caption: the metric and the values the other axes are held at (`tableCaption`'s). */
function captionIn(l: Lang, grid: StudyGrid, t: number): string {
  if (l.locale === 'en') return tableCaption(grid, t);
  const fixed = grid.tables[t].fixed.map((f) => `${settingTitle(f.key, l.locale)} = ${labelIn(l, f.key, f.label)}`).join(', ');
  const pooled = grid.rest === 'pool' && grid.restAxes.length ? l.w('report.pooled', { axes: grid.restAxes.map((k) => settingTitle(k, l.locale)).join(', ') }) : '';
  return `${l.s(`metric.${grid.metric}`)}${fixed ? ` — ${fixed}` : ''}${pooled}`;
}

function gridHtml(grid: StudyGrid, l: Lang): string {
  const out: string[] = [];
  const axisTitle = (k: StudyAxisKey) => settingTitle(k, l.locale);
  grid.tables.forEach((t, ti) => {
    const rowTitles = grid.rowAxes.length ? grid.rowAxes.map(axisTitle) : [''];
    const corner = grid.colAxes.length ? `${rowTitles.map(esc).join(' · ')} ↓ / ${grid.colAxes.map((k) => esc(axisTitle(k))).join(' · ')} →` : rowTitles.map(esc).join(' · ');
    out.push(`<table class="grid"><caption>${esc(captionIn(l, grid, ti))}</caption><thead><tr>`);
    out.push(`<th colspan="${Math.max(1, grid.rowAxes.length)}" class="corner">${corner}</th>`);
    for (const c of grid.colAxes.length ? grid.cols.map((c) => headerIn(l, grid.colAxes, c.labels)) : [[l.locale === 'en' ? grid.info.label : l.s(`metric.${grid.metric}`)]]) out.push(`<th>${esc(c.join(' · '))}</th>`);
    out.push('</tr></thead><tbody>');
    grid.rows.forEach((r, ri) => {
      out.push('<tr>');
      for (const label of grid.rowAxes.length ? headerIn(l, grid.rowAxes, r.labels) : [l.w('report.allRuns')]) out.push(`<th>${esc(label)}</th>`);
      for (const cell of t.cells[ri]) {
        const main = cell.n ? formatMeanStd(cell, grid.info, l.locale) : esc(l.locale === 'en' ? cellText(cell, grid.info, false) : emptyCellIn(l, cell));
        const ids = cell.runs.map((x) => `#${x.runId}${x.status === 'completed' ? '' : ` ${l.locale === 'en' ? x.status : x.status === 'pending' ? l.w('report.cell.pending') : l.s(`status.${x.status}`)}`}`).join(', ');
        const note = `${cell.n > 0 ? `n=${cell.n}` : ''}${ids ? `${cell.n > 0 ? ': ' : ''}${ids}` : ''}${cell.pending ? `${ids || cell.n ? '; ' : ''}${l.w('report.pending', { n: String(cell.pending) })}` : ''}`;
        const ci = formatInterval(cell.ci95, grid.info, l.locale);
        const cls = [cell.winner ? 'best' : cell.best ? 'lead' : '', cell.n ? '' : 'empty'].filter(Boolean).join(' ');
        out.push(
          `<td${cls ? ` class="${cls}"` : ''}><span class="v">${main}</span>${cell.winner ? ` <span class="star" title="${esc(l.w('report.bestBeyondChance'))}">★</span>` : ''}${ci ? `<br><span class="ci">${esc(l.w('report.ci', { ci }))}</span>` : ''}<br><span class="ids">${esc(note)}</span></td>`,
        );
      }
      out.push('</tr>');
    });
    out.push('</tbody></table>');
  });
  const verdict = verdictIn(l, grid);
  if (verdict) out.push(`<p class="verdict ${grid.verdict.kind}">${esc(verdict)}</p>`);
  return out.join('');
}

/** Each axis's value averaged over the other axes, as a small table per axis. */
function mainEffectsHtml(grid: StudyGrid, l: Lang): string {
  if (grid.mainEffects.length < 2) return '';
  const tables = grid.mainEffects.map((e) => {
    const means = e.levels.map((v) => v.mean).filter((m): m is number => m !== null);
    const top = means.length ? (grid.info.higherIsBetter ? Math.max(...means) : Math.min(...means)) : null;
    const rows = e.levels.map(
      (v) =>
        `<tr${v.mean !== null && v.mean === top ? ' class="top"' : ''}><th>${esc(labelIn(l, e.key, v.label))}</th><td class="num">${esc(formatValue(v.mean, grid.info, l.locale))}</td><td class="num">${v.points ? `${esc(formatValue(v.min, grid.info, l.locale))} – ${esc(formatValue(v.max, grid.info, l.locale))}` : '—'}</td><td class="num">${v.points}</td><td class="num">${v.runs}</td></tr>`,
    );
    return `<table class="effects"><caption>${esc(settingTitle(e.key, l.locale))}</caption><thead><tr><th></th><th>${esc(l.w('report.effects.mean'))}</th><th>${esc(l.w('report.effects.range'))}</th><th>${esc(l.w('report.effects.cells'))}</th><th>${esc(l.w('report.effects.runs'))}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  });
  const metric = l.locale === 'en' ? grid.info.label : l.s(`metric.${grid.metric}`);
  return `<h3>${esc(l.w('report.effects'))} <small>${esc(l.w('report.effectsNote', { metric }))}</small></h3><div class="row">${tables.join('')}</div>`;
}

function chartHtml(groups: readonly CurveGroup[], chartTitle: string, accuracy: boolean, band: boolean, l: Lang, groupLabel: (label: string) => string = (x) => x): string {
  const series: ChartSeries[] = groups
    .filter((g) => g.points.length)
    .map((g, i) => ({
      label: groupLabel(g.label),
      color: seriesColor(i),
      points: g.points.map((p) => ({ x: p.epoch, y: p.mean!, ...(band && p.n > 1 ? { lo: p.min!, hi: p.max! } : {}) })),
    }));
  if (!series.length) return '';
  const svg = lineChartSvg({
    title: chartTitle,
    xLabel: l.w('report.epoch'),
    pointTitle: (label, epoch, value) => l.w('report.epochPoint', { label, epoch: String(epoch), value }),
    series,
    yFormat: accuracy ? (v) => `${Math.round(v * 100)}%` : (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(2)),
    yMax: accuracy ? 1 : undefined,
  });
  const legend = series.map((s) => `<span class="key"><i style="background:${s.color}"></i>${esc(s.label)}</span>`).join('');
  return `<figure class="chart">${svg}<figcaption>${legend}</figcaption></figure>`;
}

function confusionHtml(ev: Evaluation, heading: string, l: Lang): string {
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
  return `<table class="cm"><caption>${esc(heading)}</caption><thead><tr><th class="corner">${l.w('report.corner')}</th>${ev.classes.map((c) => `<th>${esc(c)}</th>`).join('')}<th class="side">${esc(l.w('report.recall'))}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function diffHtml(d: ConfusionDiff, l: Lang): string {
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
  return `<table class="cm"><caption>${esc(l.w('report.diff', { a: String(d.runA), b: String(d.runB) }))}</caption><thead><tr><th class="corner">${l.w('report.corner')}</th>${d.classes.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
}

function answersHtml(img: ImageAcrossRuns, labelOf: (runId: number) => string, l: Lang): string {
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
    .map(([c, e]) => `<li class="${e.correct ? 'ok' : 'bad'}" title="${esc(l.w('report.runsTitle', { ids: e.runs.join(', ') }))}">${e.correct ? '✓' : '✗'} <b>${esc(c)}</b> ×${e.n} <span class="who">${esc(l.w('report.mean', { p: pct(e.p / e.n) }))}${e.n <= 3 ? `, #${e.runs.join(', #')}` : ''}</span></li>`)
    .join('');
}

async function failureCards(ws: Workstation, images: readonly ImageAcrossRuns[], size: number, labelOf: (runId: number) => string, l: Lang): Promise<string> {
  const thumbs = await Promise.all(images.map((img) => thumbnail(ws, img.imageId, size)));
  return images
    .map((img, i) => {
      const pic = thumbs[i] ? `<img src="${thumbs[i]}" width="${size}" height="${size}" alt="${esc(img.path)}">` : `<div class="noimg" style="width:${size}px;height:${size}px">${esc(l.w('report.noImage'))}</div>`;
      return `<div class="card">${pic}<div class="meta"><div class="truth">${esc(img.trueClass)}</div><div class="path" title="${esc(img.path)}">${esc(path.basename(img.path))}</div><ul>${answersHtml(img, labelOf, l)}</ul></div></div>`;
    })
    .join('');
}

async function failuresHtml(ws: Workstation, f: FailuresAcrossRuns, size: number, labelOf: (runId: number) => string, l: Lang): Promise<string> {
  const parts: string[] = [];
  const n = f.runIds.length;
  const counts = { images: String(f.testImages), wrong: String(f.allWrong.count), n: String(n) };
  const perRun = f.onlyOneRight.perRun.filter((p) => p.count).map((p) => `#${p.runId}: ${p.count}`).join(', ') || l.w('report.none');
  parts.push(`<p>${rich(n > 1 ? l.w('report.failuresMany', { ...counts, disagree: String(f.disagree.count), only: String(f.onlyOneRight.count), perRun }) : l.w('report.failuresOne', counts))}</p>`);
  if (f.allWrong.images.length) {
    parts.push(`<h3>${esc(l.w('report.wrongEvery'))} <small>${esc(l.w('report.wrongEveryNote', { shown: String(f.allWrong.images.length), count: String(f.allWrong.count) }))}</small></h3>`);
    parts.push(`<div class="cards">${await failureCards(ws, f.allWrong.images, size, labelOf, l)}</div>`);
  }
  if (n > 1 && f.onlyOneRight.images.length) {
    parts.push(`<h3>${esc(l.w('report.onlyOne'))} <small>${esc(l.w('report.onlyOneNote', { shown: String(f.onlyOneRight.images.length), count: String(f.onlyOneRight.count) }))}</small></h3>`);
    parts.push(`<div class="cards">${await failureCards(ws, f.onlyOneRight.images, size, labelOf, l)}</div>`);
  }
  return parts.join('');
}

/** McNemar's exact test between the two best runs, in a sentence and a 2×2 table. */
function pairedHtml(p: PairedTest, a: ReportRun, b: ReportRun, l: Lang): string {
  const { w } = l;
  const ids = { a: String(a.run.id), b: String(b.run.id) };
  const verdict = p.p < 0.05 ? w('report.paired.beyond') : w('report.paired.within');
  return (
    `<h3>${escText(w('report.paired.title', ids))} <small>${escText(w('report.paired.note', { images: String(p.images) }))}</small></h3>` +
    `<table class="cm"><thead><tr><th class="side"></th><th>${esc(w('report.paired.right', { id: ids.b }))}</th><th>${esc(w('report.paired.wrong', { id: ids.b }))}</th></tr></thead><tbody>` +
    `<tr><th class="side">${esc(w('report.paired.right', { id: ids.a }))}</th><td>${p.bothRight}</td><td><b>${p.onlyA}</b></td></tr>` +
    `<tr><th class="side">${esc(w('report.paired.wrong', { id: ids.a }))}</th><td><b>${p.onlyB}</b></td><td>${p.bothWrong}</td></tr></tbody></table>` +
    `<p>${rich(w('report.paired.sentence', { ...ids, labelA: a.label, labelB: b.label, onlyA: String(p.onlyA), onlyB: String(p.onlyB), p: formatP(p.p), verdict }))}</p>`
  );
}

function runsTableHtml(runs: readonly ReportRun[], bestId: number | null, varied: readonly Setting[], calibrationOf: (runId: number) => Calibration | null, l: Lang): string {
  const w = l.w;
  const head = [w('report.col.run'), ...varied.map((k) => title(k, l.locale)), w('report.col.start'), w('report.col.status'), w('report.col.kept'), w('report.col.test'), w('report.col.val'), 'ECE', 'top-k', w('report.col.loss'), w('report.col.time'), w('report.col.rate'), w('report.col.backend')];
  const rows = runs.map(({ run, metrics: m }) => {
    const cal = calibrationOf(run.id);
    const cfg = Object.fromEntries(configRows(run.config, l.locale));
    const cells = [
      `#${run.id}`,
      ...varied.map((k) => esc(cfg[k] ?? '')),
      esc(describeRunStart(run, l.locale)),
      esc(l.s(`status.${run.status}`)),
      m?.keptEpoch !== null && m?.keptEpoch !== undefined ? `${m.keptEpoch} / ${m.epochsDone}` : '—',
      pct(m?.testAccuracy),
      pct(m?.bestValAccuracy),
      cal ? pct(cal.ece) : '—',
      cal && cal.topK !== null ? `top-${cal.topK} ${pct(cal.topKAccuracy)}` : '—',
      formatValue(m?.trainLoss, 'loss'),
      formatValue(m?.seconds, 'seconds', l.locale),
      formatValue(m?.imagesPerSecond, 'rate'),
      esc(run.backend ?? '—'),
    ];
    return `<tr class="${run.id === bestId ? 'best' : ''}">${cells.map((c, i) => `<td${i >= varied.length + 4 ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  return `<table class="runs"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR", "Noto Sans KR", sans-serif; color: #111827; margin: 0; background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
:lang(ko) { word-break: keep-all; overflow-wrap: break-word; }
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
  const locale = opts.locale ?? 'en';
  const l = lang(locale, study?.axes ?? []);
  const { w } = l;
  // The settings that differ: a study's axes (and seeds); for loose runs, whatever differs between them.
  const varied: Setting[] = study
    ? [...study.axes.map((a) => a.key), ...(study.repeats > 1 ? (['seed'] as const) : [])]
    : (configRows(base)
        .map(([k]) => k)
        .filter((k) => new Set(summaries.map((r) => Object.fromEntries(configRows(r.config))[k])).size > 1) as Setting[]);
  const runs: ReportRun[] = summaries.map((run) => {
    const cell = cellOf.get(run.id);
    const cfg = Object.fromEntries(configRows(run.config));
    const cfgIn = Object.fromEntries(configRows(run.config, locale));
    const label = cell
      ? [...headerIn(l, study!.axes.map((a) => a.key), cell.labels), ...(study!.repeats > 1 || !cell.labels.length ? [w('report.seedN', { seed: String(cell.seed) })] : [])].join(' · ')
      : varied.length
        ? varied.map((k) => (k === 'seed' ? w('report.seedN', { seed: String(cfg[k]) }) : locale === 'en' ? cfg[k] : cfgIn[k])).join(' · ')
        : run.name;
    return { run, label, metrics: metrics.get(run.id) ?? null };
  });
  const labelOf = (runId: number) => runs.find((r) => r.run.id === runId)?.label ?? '';
  const completed = runs.filter((r) => r.run.status === 'completed' && r.metrics?.testAccuracy !== null && r.metrics?.testAccuracy !== undefined);
  const byAcc = [...completed].sort((a, b) => b.metrics!.testAccuracy! - a.metrics!.testAccuracy! || a.run.id - b.run.id);
  const datasetIds = [...new Set(runs.map((r) => r.run.datasetId))];
  const ds = await ws.getDataset(study ? study.datasetId : datasetIds[0]);

  const html: string[] = [];
  const heading = study ? study.name : runs.length === 1 ? w('report.oneRun', { id: String(runs[0].run.id), name: runs[0].run.name }) : w('report.runs', { ids: runs.map((r) => `#${r.run.id}`).join(', ') });
  const when = new Date();
  html.push(`<h1>${esc(heading)}</h1>`);
  const sub = { dataset: ds.name, classes: String(ds.classes.length), images: String(ds.total), train: String(ds.split.train), val: String(ds.split.val), test: String(ds.split.test), when: when.toISOString().slice(0, 16).replace('T', ' ') };
  html.push(`<p class="sub">${rich(study ? w('report.subStudy', sub) : w('report.subRuns', sub))}</p>`);

  // Summary
  let grid: StudyGrid | null = null;
  if (study) {
    grid = await ws.studyGrid(study.id, { metric, rows: opts.rows, cols: opts.cols, rest: opts.rest });
    const c = study.counts;
    const unfinished = c.pending + c.queued + c.running + c.cancelled + c.interrupted;
    let line =
      esc(
        w('report.planned', {
          n: String(study.runCount),
          grid: study.axes.map((a) => w('report.axisSize', { n: String(a.values.length), axis: settingTitle(a.key, locale) })).join(' × ') || w('report.oneConfig'),
          seeds: study.repeats > 1 ? w('report.timesSeeds', { n: String(study.repeats) }) : '',
          completed: String(c.completed),
        }) +
          (c.failed ? w('report.failedCount', { n: String(c.failed) }) : '') +
          (unfinished ? w('report.unfinished', { n: String(unfinished) }) : ''),
      ) + '.';
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
              ...g.rowAxes.map((k, i) => `${settingTitle(k, locale)} ${labelIn(l, k, g.rows[ri].labels[i])}`),
              ...g.colAxes.map((k, i) => `${settingTitle(k, locale)} ${labelIn(l, k, g.cols[ci].labels[i])}`),
              ...g.tables[ti].fixed.map((f) => `${settingTitle(f.key, locale)} ${labelIn(l, f.key, f.label)}`),
            ].join(', ');
            const ids = cell.runs.filter((r) => r.value !== null).map((r) => `#${r.runId}`).join(', ');
            places.push(esc(w(cell.n === 1 ? 'report.placeOne' : 'report.place', { where: where || w('report.allRuns'), ids })));
          }),
        ),
      );
      // The places are escaped already: the sentence is filled with markers, then they are put in.
      line += rich(w('report.best', { metric: locale === 'en' ? g.info.label : l.s(`metric.${g.metric}`), value: formatMeanStd(bestCell, g.info, locale), places: '\u0001' })).replace('\u0001', places.join(esc(w('report.tiedWith'))));
      const verdict = verdictIn(l, g);
      if (verdict) line += ` ${esc(verdict)}`;
    }
    html.push(`<p class="summary">${line}</p>`);
  } else if (byAcc.length) {
    html.push(`<p class="summary">${rich(w('report.runsSummary', { n: runs.length, completed: String(completed.length), acc: pct(byAcc[0].metrics!.testAccuracy), id: String(byAcc[0].run.id), label: byAcc[0].label }))}</p>`);
  }

  // Setup
  html.push(`<h2>${esc(w('report.setup'))}</h2>`);
  const common = configRows(base, locale)
    .filter(([k]) => !varied.includes(k))
    .map(([k, v]) => `<dt>${esc(title(k, locale))}</dt><dd>${esc(v)}</dd>`);
  html.push(`<dl class="setup">${common.join('')}</dl>`);
  const more: string[] = [];
  if (study) {
    for (const a of study.axes) more.push(`<dt><b>${esc(settingTitle(a.key, locale))}</b></dt><dd>${rich(w('report.variedValues', { values: a.labels.map((x) => labelIn(l, a.key, x)).join(', ') }))}</dd>`);
    if (study.repeats > 1) more.push(`<dt><b>${esc(title('seed', locale))}</b></dt><dd>${rich(w('report.seedsPerCell', { n: String(study.repeats), seeds: Array.from({ length: study.repeats }, (_, i) => study!.base.seed + i).join(', ') }))}</dd>`);
  } else if (varied.length) {
    more.push(`<dt><b>${esc(w('report.varied'))}</b></dt><dd>${esc(w('report.seeTable', { settings: varied.map((k) => title(k, locale)).join(', ') }))}</dd>`);
  }
  const backends = [...new Set(runs.map((r) => detailOf.get(r.run.id)?.backendInfo?.description).filter((d): d is string => !!d))];
  if (backends.length) more.push(`<dt>${esc(w('report.compute'))}</dt><dd>${backends.map((b) => esc(backendDescription(b, locale))).join('; ')} — ${esc(w('report.cores', { cpu: os.cpus()[0]?.model ?? '', n: String(os.cpus().length) }))}</dd>`);
  if (more.length) html.push(`<dl class="setup varied">${more.join('')}</dl>`);
  // Two crops look alike by name: say what each augmentation these runs used does.
  const augmented = new Set([...base.augment, ...runs.flatMap((r) => r.run.config.augment), ...(study?.axes ?? []).flatMap((a) => (a.key === 'augment' ? a.values.flat() : []))]);
  const used = AUGMENTATIONS.filter((a) => augmented.has(a));
  if (used.length) html.push(`<p class="note augmentations">${esc(w('report.augmentations'))}: ${used.map((a) => `<b>${a}</b> — ${esc(l.s(`augmentInfo.${a}`))}`).join('; ')}.</p>`);
  if (study?.notes) html.push(`<p>${esc(study.notes)}</p>`);

  // Results
  html.push(`<h2>${esc(w('report.results'))}</h2>`);
  if (grid) {
    html.push(gridHtml(grid, l));
    const monitor = locale === 'en' ? study!.base.monitor.replace('_', ' ') : l.s(`monitor.${study!.base.monitor}`);
    html.push(`<p class="note">${esc(w('report.gridNote', { monitor }))}</p>`);
    html.push(mainEffectsHtml(grid, l));
    const extra: StudyMetric[] = (['best_val_accuracy', 'time'] as StudyMetric[]).filter((m) => m !== metric);
    for (const m of extra) html.push(gridHtml(await ws.studyGrid(study!.id, { metric: m, rows: opts.rows, cols: opts.cols, rest: opts.rest }), l));
  }
  html.push(`<h3>${esc(w('report.every'))}</h3>`);
  const calibrationOf = (runId: number) => detailOf.get(runId)?.calibration ?? null;
  html.push(runsTableHtml(study ? runs : [...runs].sort((a, b) => (b.metrics?.testAccuracy ?? -1) - (a.metrics?.testAccuracy ?? -1)), byAcc[0]?.run.id ?? null, varied, calibrationOf, l));
  html.push(`<p class="note">${esc(w('report.eceNote', { bins: String(CALIBRATION_BINS) }))}</p>`);

  // Curves
  html.push(`<h2>${esc(w('report.curves'))}</h2>`);
  const charts: string[] = [];
  if (study) {
    const bys: (StudyAxisKey | null)[] = study.axes.length ? study.axes.slice(0, 3).map((a) => a.key) : [null];
    for (const by of bys) {
      const acc = await ws.studyCurves(study.id, { by, metric: 'val_accuracy' });
      const loss = await ws.studyCurves(study.id, { by, metric: 'train_loss' });
      const named = (chart: string) => (by ? w('report.by', { chart, axis: settingTitle(by, locale) }) : chart);
      // A group is a value of `by`, or a grid point (the axes' values joined).
      const groupLabel = (label: string) => (by ? labelIn(l, by, label) : label.split(' · ').map((x, i) => (study!.axes[i] ? labelIn(l, study!.axes[i].key, x) : x)).join(' · '));
      charts.push(`<div class="row">${chartHtml(acc.groups, named(w('report.valAccuracy')), true, true, l, groupLabel)}${chartHtml(loss.groups, named(w('report.trainLoss')), false, true, l, groupLabel)}</div>`);
    }
    html.push(charts.join(''));
    html.push(`<p class="note">${esc(study.repeats > 1 || study.axes.length > 1 ? w('report.curvesNoteOver') : w('report.curvesNote'))}</p>`);
  } else {
    const accSeries = epochSeries(summaries, (m) => m.valAccuracy);
    const lossSeries = epochSeries(summaries, (m) => m.trainLoss);
    const groups = (s: Map<number, (number | null)[]>) => runs.map((r) => curveGroup(`#${r.run.id} ${r.label}`, [{ runId: r.run.id, keptEpoch: r.metrics?.keptEpoch ?? null, values: s.get(r.run.id) ?? [] }]));
    html.push(`<div class="row">${chartHtml(groups(accSeries), w('report.valAccuracy'), true, false, l)}${chartHtml(groups(lossSeries), w('report.trainLoss'), false, false, l)}</div>`);
  }

  // Confusion matrices
  const sameDataset = datasetIds.length === 1;
  if (byAcc.length) {
    html.push(`<h2>${esc(w('report.confusion'))}</h2>`);
    const best = byAcc[0];
    const worst = byAcc[byAcc.length - 1];
    const evBest = detailOf.get(best.run.id)?.test ?? null;
    const parts: string[] = [];
    if (evBest) parts.push(confusionHtml(evBest, w('report.bestRun', { id: String(best.run.id), label: best.label, acc: pct(evBest.accuracy) }), l));
    if (worst !== best) {
      const evWorst = detailOf.get(worst.run.id)?.test ?? null;
      if (evWorst) parts.push(confusionHtml(evWorst, w('report.weakestRun', { id: String(worst.run.id), label: worst.label, acc: pct(evWorst.accuracy) }), l));
      if (sameDataset) parts.push(diffHtml(await ws.confusionDiff(worst.run.id, best.run.id), l));
    }
    html.push(`<div class="row">${parts.join('')}</div>`);
    html.push(`<p class="note">${esc(w('report.confusionNote'))}</p>`);
    // Is the best run's lead over the next one real? McNemar's exact test on the same test images.
    const second = byAcc[1];
    if (second && sameDataset) {
      const pair = (await ws.compareRuns([best.run.id, second.run.id])).pairs[0];
      if (pair) html.push(pairedHtml(pair, best, second, l));
    }

    html.push(`<h2>${esc(w('report.calibration'))}</h2>`);
    const diagrams = [best, ...(worst !== best ? [worst] : [])]
      .map((r) => {
        const cal = calibrationOf(r.run.id);
        if (!cal) return '';
        const caption = w(cal.overconfidence >= 0 ? 'report.calibration.over' : 'report.calibration.under', {
          ece: pct(cal.ece),
          mce: pct(cal.mce),
          points: (100 * Math.abs(cal.overconfidence)).toFixed(1),
          topK: cal.topK !== null ? `; top-${cal.topK} ${pct(cal.topKAccuracy)}` : '',
          images: String(cal.images),
        });
        return `<figure class="chart">${reliabilitySvg(cal, `#${r.run.id} ${r.label}`, 240, l.locale === 'en' ? undefined : { confidence: w('report.calibration.confidence'), accuracy: w('report.calibration.accuracy'), bin: (b) => w('report.calibration.bin', { ...b, count: String(b.count) }) })}<figcaption>${esc(caption)}</figcaption></figure>`;
      })
      .join('');
    html.push(`<div class="row">${diagrams}</div>`);
    html.push(`<p class="note">${esc(w('report.calibration.note', { bins: String(CALIBRATION_BINS) }))}</p>`);
  }

  // Failures
  html.push(`<h2>${esc(w('report.failures'))}</h2>`);
  if (!sameDataset) html.push(`<p>${esc(w('report.otherDatasets'))}</p>`);
  else if (!completed.length) html.push(`<p>${esc(w('report.noneCompleted'))}</p>`);
  else {
    const f = await ws.failuresAcrossRuns({ runIds: completed.map((r) => r.run.id) }, { limit: sample });
    html.push(await failuresHtml(ws, f, thumb, labelOf, l));
  }

  const footer = w('report.footer', {
    version: version() ? ` ${version()}` : '',
    date: when.toISOString().slice(0, 10),
    study: study ? w('report.footerStudy', { id: String(study.id) }) : '',
    ids: runIds.map((id) => `#${id}`).join(', '),
  });
  html.push(`<footer>${rich(footer)}</footer>`);

  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(w('report.title', { heading }))}</title>
<style>${CSS}</style></head>
<body><main>
${html.join('\n')}
</main></body></html>
`;
}
