/**
 * The languages Bloombench speaks, and how one is picked from a list of preferred languages
 * (the OS's in Electron, the browser's in `serve`, the environment's in a terminal).
 */

/** A language the app speaks. */
export type Locale = 'en' | 'ko';

/** Every language, English first (the fallback). */
export const LOCALES: readonly Locale[] = ['en', 'ko'];

/** Each language's name, written in that language (the switch shows these). */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', ko: '한국어' };

/** The BCP 47 tag `Intl` formats each language with. */
export const INTL_TAGS: Readonly<Record<Locale, string>> = { en: 'en-US', ko: 'ko-KR' };

/** True for a string that names one of the app's languages exactly (`'en'`, `'ko'`). */
export function isLocale(s: unknown): s is Locale {
  return typeof s === 'string' && (LOCALES as readonly string[]).includes(s);
}

/**
 * The first of `languages` (BCP 47 tags or POSIX names, most preferred first) that the app
 * speaks: `['ko-KR', 'en-US']` → `ko`, `['de-DE', 'ko']` → `ko`, `['fr']` → `en`.
 */
export function matchLocale(languages: readonly (string | null | undefined)[]): Locale {
  for (const lang of languages) {
    if (!lang) continue;
    const primary = lang.trim().toLowerCase().split(/[-_.@]/)[0];
    if (isLocale(primary)) return primary;
  }
  return 'en';
}

/**
 * The language a terminal asks for: GNU `LANGUAGE` (a colon list), then `LC_ALL`, `LC_MESSAGES`
 * and `LANG` (POSIX order), then the runtime's default locale; `C` and `POSIX` say nothing.
 */
export function localeFromEnv(env: Readonly<Record<string, string | undefined>>, runtimeDefault?: string): Locale {
  const named = [...(env.LANGUAGE ?? '').split(':'), env.LC_ALL, env.LC_MESSAGES, env.LANG].filter((v): v is string => !!v && !/^(C|POSIX)([._@]|$)/i.test(v));
  if (named.length > 0) return matchLocale(named);
  return matchLocale([runtimeDefault ?? Intl.DateTimeFormat().resolvedOptions().locale]);
}
