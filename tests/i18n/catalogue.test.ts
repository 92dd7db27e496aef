/// <reference types="svelte" />
/**
 * The message catalogues: every key in both languages with the same placeholders, no key in two
 * modules, the Korean following the glossary; how messages fill in, pick plurals and Korean
 * particles; how the language is chosen and remembered.
 */
import { describe, expect, it } from 'vitest';
import { defineMessages, koreanParticles, placeholders, translator, type Catalogue, type Text } from '../../shared/i18n/catalogue';
import { ACTIVATIONS, AUGMENTATIONS, BACKENDS, LAYER_ORDERS, OPTIMIZERS } from '../../shared/config';
import { GLOSSARY } from '../../shared/i18n/glossary';
import { REPORT_WORDS } from '../../shared/i18n/report-words';
import { MENU_WORDS } from '../../shared/i18n/menu-words';
import { localeFromEnv, matchLocale } from '../../shared/i18n/locale';
import { CATALOGUE, CATALOGUE_PARTS } from '../../renderer/src/i18n/catalogue';
import { errorText, fmt, i18n, I18n, LOCALE_KEY, t } from '../../renderer/src/i18n/i18n.svelte';
import { ApiError } from '../../renderer/src/transport/types';
import { LANGUAGES_SWITCH, languagesFromArgv } from '../../main/electron/channels';

/** Every catalogue: the renderer's (the shared ones included) and the HTML report's. */
const PARTS: Readonly<Record<string, Catalogue>> = { ...CATALOGUE_PARTS, report: REPORT_WORDS, menu: MENU_WORDS };

/** Every form of a text. */
const forms = (text: Text): string[] => (typeof text === 'string' ? [text] : [text.other, ...(text.one === undefined ? [] : [text.one])]);

/**
 * Messages a glossary term is not held to, with why: the English word is there in another sense
 * or as an identifier the Korean keeps.
 */
const GLOSSARY_EXEMPT: Readonly<Record<string, readonly string[]>> = {
  // Pre- and post-activation name where the convolution sits, not the function: 사전/사후 활성화.
  'phrase.order.post': ['activation function'],
  'phrase.order.pre': ['activation function'],
  'option.order.pre': ['activation function'],
};

/** Setting identifiers a Korean message may quote as they are (they are what the CLI and the config take). */
const IDENTIFIERS = new Set<string>([...ACTIVATIONS, ...OPTIMIZERS, ...AUGMENTATIONS, ...LAYER_ORDERS, ...BACKENDS, 'constant', 'cosine', 'step', 'minLr', 'study-N', 'val_accuracy', 'val_loss']);

describe('the catalogues', () => {
  const entries = Object.entries({ ...CATALOGUE, ...REPORT_WORDS, ...MENU_WORDS });

  it('have every message in English and Korean, none empty', () => {
    expect(entries.length).toBeGreaterThan(50);
    const missing = entries.filter(([, e]) => forms(e.en).some((f) => !f.trim()) || forms(e.ko).some((f) => !f.trim())).map(([k]) => k);
    expect(missing).toEqual([]);
  });

  it('give both languages the same placeholders (Korean may leave out the plural count)', () => {
    const wrong: string[] = [];
    for (const [key, e] of entries) {
      const en = placeholders(e.en);
      const ko = placeholders(e.ko);
      const enPlural = typeof e.en !== 'string';
      const koSet = enPlural && !ko.includes('n') ? [...ko, 'n'].sort() : ko;
      if (JSON.stringify(en) !== JSON.stringify(koSet)) wrong.push(`${key}: en {${en.join(',')}} ko {${ko.join(',')}}`);
    }
    expect(wrong).toEqual([]);
  });

  it('write English plurals with both forms', () => {
    const half = entries.filter(([, e]) => typeof e.en !== 'string' && (e.en.one === undefined || !e.en.other)).map(([k]) => k);
    expect(half).toEqual([]);
  });

  it('never define a key in two modules', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [part, cat] of Object.entries(PARTS)) {
      for (const key of Object.keys(cat)) {
        const other = seen.get(key);
        if (other !== undefined && other !== part) twice.push(`${key} in ${other} and ${part}`);
        seen.set(key, part);
      }
    }
    expect(twice).toEqual([]);
  });

  it('follow the glossary: a term in the English is its Korean in the Korean, and no avoided spelling is used', () => {
    const wrong: string[] = [];
    for (const [key, e] of entries) {
      // Placeholder names ({classes}) are not words of the text.
      // Command-line flags and package names (`--backend`, `tfjs-backend-webgpu`) are not words either.
      const en = forms(e.en)
        .join(' ')
        .replace(/\{\w+\}/g, ' ')
        .replace(/--[\w-]+|\b\w+(-\w+){2,}\b/g, ' ');
      const ko = forms(e.ko).join(' ');
      for (const term of GLOSSARY) {
        if (term.match && term.match.test(en) && !ko.includes(term.ko) && !GLOSSARY_EXEMPT[key]?.includes(term.en)) wrong.push(`${key}: "${term.en}" should read ${term.ko} — ${ko}`);
        for (const bad of term.avoid ?? []) if (ko.includes(bad)) wrong.push(`${key}: uses ${bad} for "${term.en}" (write ${term.ko})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keep Korean text free of English words but identifiers, units and placeholders', () => {
    // Latin words a Korean message may hold: model and setting ids, units, product names; the
    // statistics' symbols and names as Korean texts print them (p, t, ECE, McNemar) and cited authors.
    const allowed = /^(CIFAR-10|SVG|XML|ZIP|RAR|AVIF|A|B|ECE|MCE|McNemar|Guo|Northcutt|Jiang|Chuang|p|t-?|Bloombench|SGD|Adam|AdamW|RMSprop|ReLU|LeakyReLU|ELU|F1|ImageNet|HTTP|URL|JPEG|PNG|HEIC|HEIF|BMP|GIF|WebP|TIFF|SQLite|CSV|HTML|JSON|Markdown|PDF|MAC|MACs|GPU|CPU|CUDA|WebGPU|wasm|px|ln|NaN|id|sha256|SHA-256|Slurm|tfjs|TensorFlow|Keras|torchvision|PyTorch|Grad-CAM|Ctrl|Cmd|Esc|token|bloombench|serve|report|train|show|lang|ko|en|OK|RGB|EMA|ETA|k|M|G|s|ms|x|vs|min|max|std|top|pth|safetensors|SIMD|Dawn|Vulkan|Metal|Direct3D|SwiftShader|Electron|Chromium|Node|Nesterov|cosine|step|macOS|Linux|Windows|gzip|[A-Za-z]|top-k|tfjs-node(-gpu)?|tfjs-[a-z-]+|cuDNN|Debian|Ubuntu|ceil|fire|LeNet(-\d+)?|AlexNet|GoogLeNet|SqueezeNet|DenseNet|ResNet(-\d+)?|Inception|VGG|[A-Z][A-Z0-9-]{1,7}s?|[a-z]+\d+[a-z\d_]*|[a-z]+(_[a-z]+)+)$/;
    const wrong: string[] = [];
    for (const [key, e] of entries) {
      const ko = forms(e.ko)
        .join(' ')
        .replace(/\{\w+\}/g, ' ')
        .replace(/<\/?[a-z]+>/g, ' ')
        .replace(/`[^`]*`/g, ' ')
        .replace(/\d+(\.\d+)?e-?\d+/g, ' ');
      for (const word of ko.match(/[A-Za-z][A-Za-z0-9_-]*/g) ?? []) if (!allowed.test(word) && !IDENTIFIERS.has(word)) wrong.push(`${key}: ${word}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('filling in a message', () => {
  const cat = defineMessages({
    'x.count': { en: { one: '{n} run', other: '{n} runs' }, ko: '실행 {n}개' },
    'x.of': { en: '{done} of {total}', ko: '{total}개 중 {done}개' },
    'x.plain': { en: 'Plain', ko: '그냥' },
  });

  it('picks the English plural by n and formats numbers for the locale', () => {
    const en = translator(cat, () => 'en');
    expect(en('x.count', { n: 1 })).toBe('1 run');
    expect(en('x.count', { n: 12345 })).toBe('12,345 runs');
    expect(en('x.of', { done: 3, total: '10' })).toBe('3 of 10');
    expect(en('x.plain')).toBe('Plain');
    const ko = translator(cat, () => 'ko');
    expect(ko('x.count', { n: 1 })).toBe('실행 1개');
    expect(ko('x.of', { done: 3, total: 10 })).toBe('10개 중 3개');
  });

  it('checks keys and parameters in the type checker', () => {
    const en = translator(cat, () => 'en');
    // @ts-expect-error: a misspelt key does not compile.
    expect(en('x.plian')).toBe('x.plian');
    // @ts-expect-error: a message with placeholders needs its parameters.
    expect(en('x.of')).toBe('{done} of {total}');
    // @ts-expect-error: the plural count is a number.
    expect(en('x.count', { n: '2' })).toBe('2 runs');
    // @ts-expect-error: the renderer's own t refuses an unknown key too.
    expect(t('nav.nowhere')).toBe('nav.nowhere');
  });

  it('writes Korean particles by how the word before them ends', () => {
    expect(koreanParticles('데이터셋을(를) 지웁니다')).toBe('데이터셋을 지웁니다');
    expect(koreanParticles('이미지을(를) 봅니다')).toBe('이미지를 봅니다');
    expect(koreanParticles('실행 3이(가) 끝났습니다')).toBe('실행 3이 끝났습니다');
    expect(koreanParticles('실행 2이(가)')).toBe('실행 2가');
    expect(koreanParticles('서울(으)로 · 부산(으)로 · 7(으)로')).toBe('서울로 · 부산으로 · 7로');
    expect(koreanParticles('resnet이(가) 아닌 lenet은(는)')).toBe('resnet이(가) 아닌 lenet은(는)');
    expect(koreanParticles('고양이와(과) 개를(을) · 75%와(과)')).toBe('고양이와 개를 · 75%와');
  });
});

describe('choosing the language', () => {
  it('takes the first preferred language the app speaks', () => {
    expect(matchLocale(['ko-KR', 'en-US'])).toBe('ko');
    expect(matchLocale(['de-DE', 'ko'])).toBe('ko');
    expect(matchLocale(['en-GB', 'ko-KR'])).toBe('en');
    expect(matchLocale(['fr'])).toBe('en');
    expect(matchLocale([])).toBe('en');
  });

  it("reads a terminal's locale from LANGUAGE, LC_ALL, LC_MESSAGES, LANG, then the runtime", () => {
    expect(localeFromEnv({ LANG: 'ko_KR.UTF-8' })).toBe('ko');
    expect(localeFromEnv({ LANG: 'ko_KR.UTF-8', LC_ALL: 'en_US.UTF-8' })).toBe('en');
    expect(localeFromEnv({ LANGUAGE: 'ko:en', LANG: 'en_US.UTF-8' })).toBe('ko');
    expect(localeFromEnv({ LANG: 'C.UTF-8' }, 'ko-KR')).toBe('ko');
    expect(localeFromEnv({}, 'en-US')).toBe('en');
  });

  it("hands Electron's OS languages to the page through the preload's command line", () => {
    expect(languagesFromArgv(['electron', '--type=renderer', `${LANGUAGES_SWITCH}ko-KR,en-US`])).toEqual(['ko-KR', 'en-US']);
    expect(matchLocale(languagesFromArgv([`${LANGUAGES_SWITCH}ko-KR,en-US`]))).toBe('ko');
    expect(languagesFromArgv(['electron'])).toEqual([]);
  });

  it('follows the system until a language is picked, and remembers the pick', () => {
    const stored = new Map<string, string>();
    const storage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
    const a = new I18n();
    a.init(['ko-KR', 'en-US'], storage);
    expect(a.choice).toBe('system');
    expect(a.locale).toBe('ko');
    a.setSystemLanguages(['en-US']);
    expect(a.locale).toBe('en');
    a.choose('ko');
    expect(a.locale).toBe('ko');
    expect(stored.get(LOCALE_KEY)).toBe('ko');
    // A new page (a reload, the next start) reads the pick back.
    const b = new I18n();
    b.init(['en-US'], storage);
    expect(b.locale).toBe('ko');
    b.choose('system');
    expect(b.locale).toBe('en');
    const c = new I18n();
    stored.set(LOCALE_KEY, 'fr');
    c.init(['ko'], storage);
    expect(c.choice).toBe('system');
  });
});

describe("the core's messages in the page", () => {
  it('show in the app language when they came by reference, as they came otherwise', () => {
    const ref = { key: 'error.noRun', params: { id: '7' } };
    i18n.init(['ko-KR'], null);
    try {
      expect(errorText(new ApiError('No run 7 in this store (bloombench runs lists them).', 404, ref))).toBe('이 저장소에 실행 7이 없습니다 (`bloombench runs`로 목록을 볼 수 있습니다).');
      expect(errorText(new ApiError('something else', 500))).toBe('something else');
      expect(errorText(new ApiError('unknown key', 400, { key: 'error.nope' }))).toBe('unknown key');
      // The backend's description keeps its names and says the rest in Korean.
      expect(fmt.backend('wasm (SIMD); runs train on up to 2 threads (data-parallel)', 2)).toBe('wasm (SIMD). 실행은 최대 2개 스레드로 학습합니다 (데이터 병렬)');
      expect(fmt.backend('tensorflow (native CPU, tfjs-node)')).toBe('tensorflow (네이티브 CPU, tfjs-node)');
      expect(fmt.backend('wasm (SIMD, 4 threads)')).toBe('wasm (SIMD, 스레드 4개)');
      expect(fmt.duration(185)).toBe('3분 5초');
      // An estimate under a second says so, instead of "0.0초".
      expect(fmt.estimate(0.04)).toBe('1초 미만');
      expect(fmt.estimate(185)).toBe('3분 5초');
      expect(fmt.backendReason('tfjs-node not installed (optional dependency failed to install)')).toBe('tfjs-node: 설치되지 않음 (선택 의존성 설치에 실패함)');
      expect(fmt.backendReason("not tried: backend 'cpu' was forced")).toBe("시도하지 않음: 'cpu' 백엔드를 강제로 지정함");
      expect(fmt.backendReason('a reason no template knows')).toBe('a reason no template knows');
      expect(fmt.count(12345)).toBe('12,345');
    } finally {
      i18n.init([], null);
    }
    expect(errorText(new ApiError('No run 7 in this store (bloombench runs lists them).', 404, ref))).toBe('No run 7 in this store (bloombench runs lists them).');
    expect(fmt.estimate(0.04)).toBe('< 1 s');
    expect(fmt.estimate(0)).toBe('< 1 s');
    expect(fmt.estimate(2.5)).toBe('2.5 s');
  });
});
