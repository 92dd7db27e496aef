/**
 * A compute backend's description (`wasm (SIMD, 4 threads)`, `tensorflow (native CPU,
 * tfjs-node)`) in a language: the names of backends and libraries stay, the words around them
 * change. The worker writes them in English (main/compute/backend.ts).
 */
import type { Locale } from './locale';

/** Words of the descriptions and how Korean writes them. */
const KOREAN: readonly (readonly [RegExp, string])[] = [
  // The trainer's data-parallel suffix (main/worker/trainer.ts), before the plain thread count.
  [/ on (\d+) threads \(data-parallel, ≤ (\d+) images each\)/g, ', 스레드 $1개 (데이터 병렬, 스레드당 이미지 최대 $2장)'],
  [/(\d+) threads?/g, '스레드 $1개'],
  [/no SIMD/g, 'SIMD 없음'],
  [/native CPU via /g, '네이티브 CPU, '],
  [/native CPU/g, '네이티브 CPU'],
  [/pure JavaScript/g, '순수 JavaScript'],
  [/GPUs hidden/g, 'GPU 숨김'],
  [/no CUDA/g, 'CUDA 없음'],
  [/software adapter/g, '소프트웨어 어댑터'],
];

/** A backend's description in `locale`. */
export function backendDescription(description: string, locale: Locale): string {
  if (locale === 'en') return description;
  let text = description;
  for (const [en, ko] of KOREAN) text = text.replace(en, ko);
  return text;
}
