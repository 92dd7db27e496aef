import { describe, expect, it } from 'vitest';
import { CONTENT_KINDS, contentKind, REASON_OF_CODE, REJECT_CODES, rejectionMessage, rejectionText, type RejectProblem } from '../../shared/rejections';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('contentKind', () => {
  it('tells what a file that is no picture is from its first bytes', () => {
    expect(contentKind(bytes('These are my dog photos.\n'))).toBe('text');
    expect(contentKind(bytes('\ufeffname,label\nä,ö\n'))).toBe('text');
    expect(contentKind(bytes('<!DOCTYPE html><html><body>'))).toBe('html');
    expect(contentKind(bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'))).toBe('svg');
    expect(contentKind(bytes('<svg width="10">'))).toBe('svg');
    expect(contentKind(bytes('<?xml version="1.0"?><root/>'))).toBe('xml');
    expect(contentKind(bytes('%PDF-1.7\n%\xe2\xe3'))).toBe('pdf');
    expect(contentKind(Uint8Array.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0]))).toBe('archive');
    expect(contentKind(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]))).toBe('archive');
    expect(contentKind(Uint8Array.from([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]))).toBe('video');
    expect(contentKind(bytes('ID3\x04\x00'))).toBe('audio');
    expect(contentKind(bytes('8BPS\x00\x01'))).toBe('photoshop');
    expect(contentKind(Uint8Array.from([0, 0, 1, 0, 1, 0, 16, 16]))).toBe('icon');
    expect(contentKind(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]))).toBe('program');
    expect(contentKind(Uint8Array.from([0x13, 0x5f, 0x0a, 0x99, 0xff, 0x00, 0x12, 0x34]))).toBe('unknown');
    expect(contentKind(new Uint8Array(0))).toBe('unknown');
  });
});

describe('rejectionMessage', () => {
  it('has a sentence for every code and kind, and a broad reason for every code', () => {
    const problems: RejectProblem[] = [
      ...CONTENT_KINDS.map((kind): RejectProblem => ({ code: 'not-an-image', params: { kind } })),
      ...CONTENT_KINDS.map((kind): RejectProblem => ({ code: 'misnamed', params: { ext: '.png', kind } })),
      { code: 'truncated', params: { format: 'GIF' } },
      { code: 'corrupt', params: { format: 'TIFF' } },
      { code: 'unsupported-format', params: { format: 'HEIC' } },
    ];
    for (const code of REJECT_CODES) {
      expect(REASON_OF_CODE[code]).toBeDefined();
      if (!problems.some((p) => p.code === code)) problems.push({ code, params: {} } as RejectProblem);
    }
    for (const p of problems) expect(rejectionMessage(p).length, p.code).toBeGreaterThan(10);
    expect(rejectionMessage({ code: 'misnamed', params: { ext: '.png', kind: 'html' } })).toBe('named .png, but it is a web page (HTML), not a picture');
    expect(rejectionMessage({ code: 'corrupt', params: { format: 'TIFF' } })).toBe('the TIFF is damaged and cannot be decoded');
    // The catalogue's English is the same sentence (the views translate by code), and its Korean is Korean.
    for (const p of problems) {
      expect(rejectionText(p, 'en'), p.code).toBe(rejectionMessage(p));
      expect(rejectionText(p, 'ko'), p.code).toMatch(/[가-힣]/);
    }
    expect(rejectionText({ code: 'not-an-image', params: { kind: 'text' } }, 'ko')).toBe('이미지가 아닙니다: 텍스트 파일입니다');
  });
});

describe('rejectionText', () => {
  it('says each code in Korean too, by code, with what a non-image is translated as well', () => {
    expect(rejectionText({ code: 'not-an-image', params: { kind: 'text' } }, 'ko')).toBe('이미지가 아닙니다: 텍스트 파일입니다');
    expect(rejectionText({ code: 'truncated', params: { format: 'JPEG' } }, 'ko')).toBe('JPEG 파일이 잘려 있습니다: 그림이 끝나기 전에 파일이 끝납니다');
    expect(rejectionText({ code: 'misnamed', params: { ext: '.png', kind: 'pdf' } }, 'ko')).toBe('이름은 .png이지만 그림이 아니라 PDF 문서입니다');
    for (const code of REJECT_CODES) {
      const p = { code, params: code === 'not-an-image' || code === 'misnamed' ? { ext: '.jpg', kind: 'text' } : { format: 'PNG' } } as unknown as RejectProblem;
      expect(rejectionText(p, 'ko'), code).not.toBe(rejectionText(p, 'en'));
      expect(rejectionText(p, 'ko'), code).not.toMatch(/\{|reject\./);
    }
  });
});
