/**
 * Backend descriptions as the worker records them (English) read in Korean with no English
 * words left but the names of backends and libraries.
 */
import { describe, expect, it } from 'vitest';
import { backendDescription } from '../../shared/i18n/backend-words';

describe('backend descriptions in Korean', () => {
  it.each([
    ['wasm (SIMD) on 2 threads (data-parallel, ≤ 16 images each)', 'wasm (SIMD), 스레드 2개 (데이터 병렬, 스레드당 이미지 최대 16장)'],
    ['wasm (SIMD, 4 threads)', 'wasm (SIMD, 스레드 4개)'],
    ['wasm (no SIMD, 1 thread)', 'wasm (SIMD 없음, 스레드 1개)'],
    ['cpu (pure JavaScript)', 'cpu (순수 JavaScript)'],
  ])('%s', (en, ko) => {
    expect(backendDescription(en, 'ko')).toBe(ko);
    expect(backendDescription(en, 'en')).toBe(en);
  });
});
