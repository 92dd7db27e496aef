import { describe, expect, it } from 'vitest';
import { BmpError, decodeBmp, looksLikeBmp } from '../../main/datasets/bmp';
import { endsEarly, probeImage, sniffFormat } from '../../main/datasets/decode';
import { classPixels, encodeBmp } from '../fixtures/images';

const W = 7; // odd width: rows need padding
const H = 5;
const rgb = classPixels(2, 5, 0, 7).subarray(0, W * H * 3);

describe('decodeBmp', () => {
  it.each([
    ['24-bit bottom-up', { bits: 24 as const }],
    ['24-bit top-down', { bits: 24 as const, topDown: true }],
    ['32-bit bit fields', { bits: 32 as const }],
  ])('decodes %s exactly', (_, opts) => {
    const img = decodeBmp(encodeBmp(rgb, W, H, opts));
    expect(img).toMatchObject({ width: W, height: H, channels: 3 });
    expect(Buffer.from(img.data).equals(Buffer.from(rgb))).toBe(true);
  });

  it('decodes an 8-bit palette image', () => {
    const two = Buffer.alloc(W * H * 3);
    for (let i = 0; i < W * H; i++) two.set(i % 3 === 0 ? [250, 10, 20] : [5, 6, 7], i * 3);
    const img = decodeBmp(encodeBmp(two, W, H, { bits: 8 }));
    expect(Buffer.from(img.data).equals(two)).toBe(true);
  });

  it('decodes RLE8', () => {
    // 4×2, palette [black, red, green]; bottom row: 4× red; top row: green, black, black, green.
    const header = Buffer.alloc(14 + 40 + 3 * 4);
    header.write('BM', 0, 'ascii');
    header.writeUInt32LE(14 + 40 + 12, 10);
    header.writeUInt32LE(40, 14);
    header.writeInt32LE(4, 18);
    header.writeInt32LE(2, 22);
    header.writeUInt16LE(1, 26);
    header.writeUInt16LE(8, 28);
    header.writeUInt32LE(1, 30);
    header.writeUInt32LE(3, 46);
    header.set([0, 0, 0, 0, 0, 0, 255, 0, 0, 255, 0, 0], 54);
    const data = Buffer.from([4, 1, 0, 0, 0, 3, 2, 0, 0, 0, 1, 2, 0, 1]);
    const img = decodeBmp(Buffer.concat([header, data]));
    expect(Array.from(img.data)).toEqual([0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 255, 0, ...[255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0]]);
  });

  it('reports truncation and nonsense distinctly', () => {
    const bmp = encodeBmp(rgb, W, H);
    expect(() => decodeBmp(bmp.subarray(0, bmp.length - 10))).toThrow(BmpError);
    try {
      decodeBmp(bmp.subarray(0, bmp.length - 10));
    } catch (e) {
      expect((e as BmpError).reason).toBe('truncated');
    }
    const bad = Buffer.from(bmp);
    bad.writeUInt16LE(13, 28); // 13 bits per pixel
    try {
      decodeBmp(bad);
      expect.unreachable();
    } catch (e) {
      expect((e as BmpError).reason).toBe('corrupt');
    }
    expect(looksLikeBmp(Buffer.from('BM hello'))).toBe(false);
  });
});

describe('format sniffing', () => {
  it('knows formats by their bytes, not their names', async () => {
    const bmp = encodeBmp(rgb, W, H);
    expect(sniffFormat(bmp)).toBe('bmp');
    expect(sniffFormat(Buffer.from('GIF89a......'))).toBe('gif');
    expect(sniffFormat(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeNull();
    const probe = await probeImage(bmp, 'looks-like.png');
    expect(probe).toMatchObject({ ok: true, format: 'bmp', width: W, height: H });
    expect(await probeImage(Buffer.from('<svg/>'), 'drawing.svg')).toMatchObject({ ok: false, problem: { code: 'not-an-image', params: { kind: 'svg' } } });
    expect(await probeImage(Buffer.from('<svg/>'), 'drawing.png')).toMatchObject({ ok: false, problem: { code: 'misnamed', params: { ext: '.png', kind: 'svg' } } });
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(16)]);
    expect(await probeImage(heic, 'IMG_0001.HEIC')).toMatchObject({ ok: false, problem: { code: 'unsupported-format', params: { format: 'HEIC' } }, detail: expect.stringMatching(/HEIC/) });
  });

  it('tells a cut-short container from a complete one', () => {
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    expect(endsEarly(gif, 'gif')).toBe(false);
    expect(endsEarly(gif.subarray(0, gif.length - 1), 'gif')).toBe(true);
    const riff = Buffer.alloc(30);
    riff.write('RIFF', 0, 'ascii');
    riff.writeUInt32LE(100, 4);
    riff.write('WEBP', 8, 'ascii');
    expect(endsEarly(riff, 'webp')).toBe(true);
  });
});
