/**
 * The language the app speaks: the system's (the OS's preferred languages in Electron, the
 * browser's in `serve`) unless the user picked one in the switch, which is remembered. Every
 * `t(…)` and `fmt.…` call reads it, so a switch redraws every view without a reload.
 */
// Relative rather than `@shared/`: the tests compile this file without the renderer's alias.
import { matchLocale, isLocale, LOCALES, type Locale } from '../../../shared/i18n/locale';
import { translator, renderRef, type ArgsOf, type MessageRef } from '../../../shared/i18n/catalogue';
import { count, duration, estimatedDuration, formatMeanStd, formatSpread, formatValue, type MetricUnit } from '../../../shared/format';
import type { StudyMetricInfo } from '../../../shared/contract/studies';
import { rejectionText } from '../../../shared/rejections';
import { backendDescription } from '../../../shared/i18n/backend-words';
import type { RejectProblem } from '../../../shared/rejections';
import { ScheduleError } from '../../../shared/config';
import { CATALOGUE, type Messages } from './catalogue';
import { BACKEND_REASONS } from './messages/shell';

/** What the switch offers: a language, or whatever the system prefers. */
export type LocaleChoice = Locale | 'system';

/** Where the choice is remembered (beside the theme's `bloombench.theme`). */
export const LOCALE_KEY = 'bloombench.locale';

/** The bits of `Storage` the choice needs. */
type ChoiceStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The app's language, and the choice behind it. */
export class I18n {
  #choice = $state<LocaleChoice>('system');
  #system = $state.raw<readonly string[]>([]);
  #storage: ChoiceStorage | null = null;

  /**
   * Reads the remembered choice and the system's languages (most preferred first).
   *
   * Called once by main.ts before the app mounts, so the first paint is in the right language.
   */
  init(systemLanguages: readonly string[], storage: ChoiceStorage | null): void {
    this.#system = [...systemLanguages];
    this.#storage = storage;
    const saved = storage?.getItem(LOCALE_KEY) ?? null;
    this.#choice = saved === 'system' || isLocale(saved) ? saved : 'system';
  }

  /** The system's languages changed (a browser's `languagechange`). */
  setSystemLanguages(languages: readonly string[]): void {
    this.#system = [...languages];
  }

  /** The language in effect. */
  get locale(): Locale {
    return this.#choice === 'system' ? this.systemLocale : this.#choice;
  }

  /** The language the system asks for. */
  get systemLocale(): Locale {
    return matchLocale(this.#system);
  }

  get choice(): LocaleChoice {
    return this.#choice;
  }

  /** Switches the language (and remembers it). */
  choose(choice: LocaleChoice): void {
    this.#choice = choice;
    this.#storage?.setItem(LOCALE_KEY, choice);
  }
}

/** The app's one language state. */
export const i18n = new I18n();

/** Every choice the switch offers. */
export const LOCALE_CHOICES: readonly LocaleChoice[] = ['system', ...LOCALES];

/** A message in the app's language: `t('nav.datasets')`, `t('runs.count', { n: 3 })`. */
export const t = translator(CATALOGUE, () => i18n.locale);

/** The message keys of the renderer's catalogue. */
export type MessageKey = keyof Messages & string;

/** The keys of messages without parameters (a table of them can be looked up as `t(key)`). */
export type PlainKey = { [K in MessageKey]: ArgsOf<Messages[K]> extends [] ? K : never }[MessageKey];

/** A message the core sent by reference, in the app's language; null when the catalogue does not know it. */
export function tRef(ref: MessageRef): string | null {
  return renderRef(CATALOGUE, i18n.locale, ref);
}

/** A message reference an error carries (a `UserError` of the core, through either transport). */
function refOf(e: unknown): MessageRef | null {
  const ref = (e as { ref?: unknown } | null)?.ref as MessageRef | undefined;
  return ref && typeof ref.key === 'string' ? ref : null;
}

/** An error's message in the app's language when the core sent it by reference, else as it came. */
export function errorText(e: unknown): string {
  const ref = refOf(e);
  const text = ref ? tRef(ref) : null;
  if (text !== null) return text;
  return e instanceof Error ? e.message : String(e);
}

/** Why a schedule's text does not parse, in the app's language (any other error: its message). */
export function scheduleProblemText(e: unknown): string {
  if (!(e instanceof ScheduleError)) return errorText(e).replace(/^schedule: /, '');
  const p = e.problem;
  switch (p.code) {
    case 'min-lr':
    case 'rates':
    case 'ratios':
      return t(`schedule.${p.code}`, { value: p.params.value });
    case 'counts':
      return t('schedule.counts', { rates: p.params.rates, ratios: p.params.ratios, text: p.params.text });
    case 'unknown':
      return t('schedule.unknown', { text: p.params.text });
  }
}

type UnitOf = MetricUnit | Pick<StudyMetricInfo, 'unit'>;

/** Numbers, durations and dates in the app's language (through shared/format.ts and `Intl`). */
export const fmt = {
  /** 12345 → "12,345". */
  count: (n: number | null | undefined): string => count(n, i18n.locale),
  /** Seconds → "3 min 5 s" / "3분 5초". */
  duration: (s: number | null | undefined): string => duration(s, i18n.locale),
  /** An estimate in seconds: as `duration`, "< 1 s" under a second. */
  estimate: (s: number | null | undefined): string => estimatedDuration(s, i18n.locale),
  value: (v: number | null | undefined, unit: UnitOf): string => formatValue(v, unit, i18n.locale),
  spread: (std: number | null | undefined, unit: UnitOf): string | null => formatSpread(std, unit, i18n.locale),
  meanStd: (s: { readonly mean: number | null; readonly std: number | null }, unit: UnitOf): string => formatMeanStd(s, unit, i18n.locale),
  /** Epoch milliseconds → "today 14:03" / "오늘 14:03", "May 3 14:03" / "5월 3일 14:03". */
  when(ms: number | null | undefined, now = new Date()): string {
    if (!ms) return '—';
    const d = new Date(ms);
    const tag = i18n.locale === 'ko' ? 'ko-KR' : 'en-US';
    const time = d.toLocaleTimeString(tag, { hour: '2-digit', minute: '2-digit', hour12: false });
    if (d.toDateString() === now.toDateString()) return t('time.today', { time });
    return t('time.dateTime', { date: d.toLocaleDateString(tag, { month: 'short', day: 'numeric' }), time });
  },
  /** Why an imported file was left out, in words. */
  rejection: (p: RejectProblem): string => rejectionText(p, i18n.locale),
  /**
   * A backend's description (`wasm (SIMD, 4 threads)`, with the core's `; runs train on up to N
   * threads (data-parallel)` when `trainThreads` says so) in the app's language: the backend's
   * name and the libraries' names stay, the words around them change.
   */
  backend(description: string, trainThreads?: number): string {
    if (i18n.locale === 'en') return description;
    const text = backendDescription(description.replace(/; runs train on up to \d+ threads \(data-parallel\)$/, ''), i18n.locale);
    return trainThreads && trainThreads > 1 ? `${text}. ${t('backend.trainThreads', { n: trainThreads })}` : text;
  },
  /** Why a backend was not used, in the app's language when the worker's English is one the catalogue knows. */
  backendReason(reason: string): string {
    if (i18n.locale === 'en') return reason;
    for (const [key, entry] of Object.entries(BACKEND_REASONS)) {
      const names = [...entry.en.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const pattern = entry.en.replace(/[.*+?^$()[\]\\|]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '(.+?)');
      const m = new RegExp(`^${pattern}$`).exec(reason);
      if (m) return tRef({ key, params: Object.fromEntries(names.map((n, i) => [n, m[i + 1]])) }) ?? reason;
    }
    return reason;
  },
  /** A list in the language's own way: "a, b and c" / "a, b 및 c". */
  list: (items: readonly string[]): string => new Intl.ListFormat(i18n.locale === 'ko' ? 'ko-KR' : 'en-US', { style: 'long', type: 'conjunction' }).format(items),
};
