/**
 * Typed message catalogues: every message in English and Korean side by side, keyed by a
 * dotted name; `{name}` placeholders whose names the type checker reads from the English text,
 * so a misspelt key or a missing parameter fails to compile.
 *
 * Plurals follow `Intl.PluralRules`: an English `{ one, other }` picks by the `n` parameter;
 * Korean has one form and is written as a plain string. Numbers given as parameters are
 * formatted for the locale (`12,345`).
 */
import { INTL_TAGS, type Locale } from './locale';

/** A message in one language that changes with a count: `{ one: '{n} run', other: '{n} runs' }`. */
export interface PluralText {
  readonly one?: string;
  readonly other: string;
}

/** A message in one language. */
export type Text = string | PluralText;

/** One message in every language. */
export type Entry = { readonly [L in Locale]: Text };

/** Messages by key. */
export type Catalogue = { readonly [key: string]: Entry };

/** The placeholders of a string: `'{a} of {b}'` → `'a' | 'b'`. */
type Holes<S> = S extends `${string}{${infer P}}${infer R}` ? P | Holes<R> : never;

type TextHoles<T> = T extends string ? Holes<T> : T extends PluralText ? Holes<T['other']> | Holes<NonNullable<T['one']>> | 'n' : never;

/** The parameter names of a message (read from its English text). */
export type ParamsOf<E extends Entry> = TextHoles<E['en']>;

/** A value a placeholder takes: numbers are formatted for the locale; `n` of a plural message (its count) is a number. */
export type ParamValue = string | number;

/** The parameters of a message: none, or an object with exactly its placeholders. */
export type Params<E extends Entry> = { readonly [P in ParamsOf<E>]: P extends 'n' ? (E['en'] extends PluralText ? number : ParamValue) : ParamValue };

/** The rest arguments of `t(key, …)`: nothing for a message without placeholders. */
export type ArgsOf<E extends Entry> = [ParamsOf<E>] extends [never] ? [] : [params: Params<E>];

/** Keys of a catalogue. */
export type KeyOf<C extends Catalogue> = keyof C & string;

/** Looks a message up and fills it in; the type checker checks the key and the parameters. */
export type Translate<C extends Catalogue> = <K extends KeyOf<C>>(key: K, ...args: ArgsOf<C[K]>) => string;

/** A message to show later in whichever language is on then (an error, a warning). */
export interface MessageRef {
  readonly key: string;
  readonly params?: { readonly [name: string]: ParamValue };
}

/** A message reference read from a process boundary (JSON), or null when it is not one. */
export function parseMessageRef(value: unknown): MessageRef | null {
  if (typeof value !== 'object' || value === null) return null;
  const { key, params } = value as { key?: unknown; params?: unknown };
  if (typeof key !== 'string') return null;
  if (params === undefined) return { key };
  if (typeof params !== 'object' || params === null) return null;
  const clean: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'string' && typeof v !== 'number') return null;
    clean[k] = v;
  }
  return { key, params: clean };
}

/**
 * Electron's IPC keeps only an error's message: a reference travels at its end, after a NUL,
 * as JSON (`encodeRefInMessage`), and the page takes it back out (`decodeRefFromMessage`).
 */
export function encodeRefInMessage(message: string, ref: MessageRef): string {
  return `${message}\u0000${JSON.stringify(ref)}`;
}

/** The message and the reference `encodeRefInMessage` put together. */
export function decodeRefFromMessage(text: string): { readonly message: string; readonly ref: MessageRef | null } {
  const at = text.indexOf('\u0000');
  if (at < 0) return { message: text, ref: null };
  let ref: MessageRef | null = null;
  try {
    ref = parseMessageRef(JSON.parse(text.slice(at + 1)));
  } catch {
    ref = null;
  }
  return { message: text.slice(0, at), ref };
}

/** Declares a catalogue, keeping its English texts as literal types (for `ParamsOf`). */
export function defineMessages<const C extends Catalogue>(catalogue: C): C {
  return catalogue;
}

const numberFormats = new Map<Locale, Intl.NumberFormat>();
const pluralRules = new Map<Locale, Intl.PluralRules>();

/** The locale's number format (cached: `Intl` constructors are slow). */
export function numberFormat(locale: Locale): Intl.NumberFormat {
  let f = numberFormats.get(locale);
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(INTL_TAGS[locale], { maximumFractionDigits: 20 })));
  return f;
}

function pluralRule(locale: Locale): Intl.PluralRules {
  let r = pluralRules.get(locale);
  if (!r) pluralRules.set(locale, (r = new Intl.PluralRules(INTL_TAGS[locale])));
  return r;
}

/** The form of a text for `params.n`. */
function pick(locale: Locale, text: Text, params: MessageRef['params']): string {
  if (typeof text === 'string') return text;
  const n = Number(params?.n ?? 0);
  return (pluralRule(locale).select(n) === 'one' ? text.one : undefined) ?? text.other;
}

/** Fills `{name}` placeholders; a placeholder without a value stays as it is. */
export function fill(locale: Locale, text: string, params: MessageRef['params']): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (hole, name: string) => {
    const v = params[name];
    if (v === undefined) return hole;
    return typeof v === 'number' ? numberFormat(locale).format(v) : v;
  });
}

/** The particle pairs Korean writes after a word by whether it ends in a consonant: `을(를)` → 을 or 를. */
const PARTICLES: Readonly<Record<string, readonly [afterConsonant: string, afterVowel: string]>> = {
  '을(를)': ['을', '를'],
  '이(가)': ['이', '가'],
  '은(는)': ['은', '는'],
  '과(와)': ['과', '와'],
  '(으)로': ['으로', '로'],
  '를(을)': ['을', '를'],
  '가(이)': ['이', '가'],
  '는(은)': ['은', '는'],
  '와(과)': ['과', '와'],
};

/** How each digit is read in Sino-Korean (영, 일, 이, 삼, …), and % (퍼센트): whether it ends in a consonant, and whether that is ㄹ. */
const DIGIT_ENDS: Readonly<Record<string, 'consonant' | 'rieul' | 'vowel'>> = { '0': 'consonant', '1': 'rieul', '2': 'vowel', '3': 'consonant', '4': 'vowel', '5': 'vowel', '6': 'consonant', '7': 'rieul', '8': 'rieul', '9': 'vowel', '%': 'vowel' };

/** How the last character of a word ends when read aloud, or null when it cannot be told (Latin letters). */
function ending(ch: string): 'consonant' | 'rieul' | 'vowel' | null {
  const code = ch.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) {
    const final = (code - 0xac00) % 28;
    return final === 0 ? 'vowel' : final === 8 ? 'rieul' : 'consonant';
  }
  return DIGIT_ENDS[ch] ?? null;
}

/** Resolves `을(를)`-style particles after Hangul syllables and digits; after anything else both stay. */
export function koreanParticles(text: string): string {
  return text.replace(/([\uac00-\ud7a30-9%])(을\(를\)|이\(가\)|은\(는\)|과\(와\)|\(으\)로|를\(을\)|가\(이\)|는\(은\)|와\(과\))/g, (whole, ch: string, pair: string) => {
    const end = ending(ch);
    if (end === null) return whole;
    const [consonant, vowel] = PARTICLES[pair];
    // ㄹ takes 로 like a vowel ("서울로"); every other particle counts it as a consonant.
    const useVowel = end === 'vowel' || (end === 'rieul' && pair === '(으)로');
    return ch + (useVowel ? vowel : consonant);
  });
}

/** One entry in one language, filled in. */
export function render(locale: Locale, entry: Entry, params?: MessageRef['params']): string {
  const text = fill(locale, pick(locale, entry[locale], params), params);
  return locale === 'ko' ? koreanParticles(text) : text;
}

/** A translator over a catalogue, reading the locale in effect at each call. */
export function translator<C extends Catalogue>(catalogue: C, locale: () => Locale): Translate<C> {
  return ((key: string, params?: MessageRef['params']) => {
    const entry = catalogue[key];
    // The type checker makes this unreachable; a stale build shows the key rather than nothing.
    if (!entry) return key;
    return render(locale(), entry, params);
  }) as Translate<C>;
}

/** Builds a reference to a message for later (`ref('error.folderMissing', { path })`), checked like `t`. */
export function refMaker<C extends Catalogue>(): <K extends KeyOf<C>>(key: K, ...args: ArgsOf<C[K]>) => MessageRef {
  return (key: string, params?: MessageRef['params']) => (params ? { key, params } : { key });
}

/** A reference rendered through a catalogue, or null when the catalogue does not know its key. */
export function renderRef(catalogue: Catalogue, locale: Locale, ref: MessageRef): string | null {
  const entry = Object.prototype.hasOwnProperty.call(catalogue, ref.key) ? catalogue[ref.key] : undefined;
  return entry ? render(locale, entry, ref.params) : null;
}

/** The placeholder names of every form of a text, sorted (the catalogue test compares languages by them). */
export function placeholders(text: Text): string[] {
  const forms = typeof text === 'string' ? [text] : [text.other, ...(text.one === undefined ? [] : [text.one])];
  const names = new Set<string>();
  for (const f of forms) for (const m of f.matchAll(/\{(\w+)\}/g)) names.add(m[1]);
  if (typeof text !== 'string') names.add('n');
  return [...names].sort();
}
