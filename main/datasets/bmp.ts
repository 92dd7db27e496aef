/**
 * A small Windows BMP decoder (sharp's prebuilt libvips has no BMP loader).
 *
 * Handles the headers seen in the wild (OS/2 core, BITMAPINFOHEADER, V2–V5), 1/4/8-bit
 * palettes, 16/24/32-bit pixels with or without bit fields, RLE8 and RLE4, and bottom-up or
 * top-down rows. Embedded JPEG/PNG payloads (compression 4 and 5) are refused.
 */

/** A BMP the decoder could not turn into pixels; `reason` says whether it ended early. */
export class BmpError extends Error {
  /** Creates the error; `truncated` when the pixel data ends before the header says it should. */
  constructor(
    message: string,
    readonly reason: 'truncated' | 'corrupt',
  ) {
    super(message);
    this.name = 'BmpError';
  }
}

/** Decoded BMP pixels: rows top-down, RGB or RGBA, 8 bits per channel. */
export interface BmpImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: Buffer;
}

/** The largest image (in pixels) the decoder accepts: sharp's default limit, 0x3FFF². */
const MAX_PIXELS = 0x3fff * 0x3fff;

/** True when `buf` starts like a BMP file ("BM" and a known header size). */
export function looksLikeBmp(buf: Uint8Array): boolean {
  if (buf.length < 18 || buf[0] !== 0x42 || buf[1] !== 0x4d) return false;
  const headerSize = buf[14] | (buf[15] << 8) | (buf[16] << 16) | (buf[17] << 24);
  return [12, 16, 40, 52, 56, 64, 108, 124].includes(headerSize);
}

interface Mask {
  readonly mask: number;
  readonly shift: number;
  readonly max: number;
}

function maskOf(mask: number): Mask {
  const m = mask >>> 0;
  if (m === 0) return { mask: 0, shift: 0, max: 0 };
  let shift = 0;
  while (((m >>> shift) & 1) === 0) shift++;
  return { mask: m, shift, max: m >>> shift };
}

function channelOf(value: number, m: Mask): number {
  if (m.max === 0) return 0;
  const v = (value & m.mask) >>> m.shift;
  return m.max === 255 ? v : Math.round((v * 255) / m.max);
}

/** Decodes a BMP file into top-down RGB(A) pixels; throws `BmpError` on a bad file. */
export function decodeBmp(buf: Uint8Array): BmpImage {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 26 || buf[0] !== 0x42 || buf[1] !== 0x4d) throw new BmpError('not a BMP file (no "BM" signature)', 'corrupt');
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  let width: number;
  let height: number;
  let bpp: number;
  let compression = 0;
  let colorsUsed = 0;
  let paletteEntrySize = 4;
  if (headerSize === 12) {
    width = view.getUint16(18, true);
    height = view.getInt16(20, true);
    bpp = view.getUint16(24, true);
    paletteEntrySize = 3;
  } else if (headerSize >= 16) {
    if (buf.length < 14 + Math.min(headerSize, 40)) throw new BmpError('file ends inside the BMP header', 'truncated');
    width = view.getInt32(18, true);
    height = view.getInt32(22, true);
    bpp = view.getUint16(28, true);
    if (headerSize >= 20) compression = view.getUint32(30, true);
    if (headerSize >= 36) colorsUsed = view.getUint32(46, true);
  } else {
    throw new BmpError(`unknown BMP header size ${headerSize}`, 'corrupt');
  }
  const topDown = height < 0;
  height = Math.abs(height);
  if (width <= 0 || height <= 0) throw new BmpError(`invalid BMP dimensions ${width}×${height}`, 'corrupt');
  if (width * height > MAX_PIXELS) throw new BmpError(`BMP too large (${width}×${height})`, 'corrupt');
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new BmpError(`unsupported BMP bit depth ${bpp}`, 'corrupt');
  if (compression === 4 || compression === 5) throw new BmpError('BMP with an embedded JPEG/PNG payload is not supported', 'corrupt');
  if (![0, 1, 2, 3, 6].includes(compression)) throw new BmpError(`unknown BMP compression ${compression}`, 'corrupt');
  if ((compression === 1 && bpp !== 8) || (compression === 2 && bpp !== 4)) throw new BmpError(`BMP compression ${compression} with ${bpp} bits per pixel`, 'corrupt');

  // Bit-field masks: inside V2+ headers, or right after a 40-byte header.
  let masks: { r: Mask; g: Mask; b: Mask; a: Mask } | null = null;
  let paletteStart = 14 + headerSize;
  if (compression === 3 || compression === 6) {
    const at = 14 + 40;
    if (headerSize === 40) paletteStart += compression === 6 ? 16 : 12;
    if (at + 12 > buf.length) throw new BmpError('file ends inside the BMP colour masks', 'truncated');
    const hasAlphaMask = headerSize >= 56 || compression === 6;
    const aMask = hasAlphaMask && at + 16 <= buf.length ? view.getUint32(at + 12, true) : 0;
    masks = { r: maskOf(view.getUint32(at, true)), g: maskOf(view.getUint32(at + 4, true)), b: maskOf(view.getUint32(at + 8, true)), a: maskOf(aMask) };
  } else if (bpp === 16) {
    masks = { r: maskOf(0x7c00), g: maskOf(0x03e0), b: maskOf(0x001f), a: maskOf(0) };
  } else if (bpp === 32) {
    // BI_RGB 32-bit: the fourth byte is unused (most writers leave it zero).
    masks = { r: maskOf(0x00ff0000), g: maskOf(0x0000ff00), b: maskOf(0x000000ff), a: maskOf(0) };
  }

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const count = colorsUsed > 0 ? Math.min(colorsUsed, 256) : 1 << bpp;
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < count; i++) {
      const at = paletteStart + i * paletteEntrySize;
      if (at + 3 > buf.length) throw new BmpError('file ends inside the BMP palette', 'truncated');
      palette[i * 3] = buf[at + 2];
      palette[i * 3 + 1] = buf[at + 1];
      palette[i * 3 + 2] = buf[at];
    }
  }
  if (dataOffset >= buf.length) throw new BmpError('file ends before the BMP pixel data', 'truncated');

  const channels: 3 | 4 = masks !== null && masks.a.max > 0 ? 4 : 3;
  const out = Buffer.alloc(width * height * channels);
  const rowOf = (y: number): number => (topDown ? y : height - 1 - y);

  if (compression === 1 || compression === 2) {
    const indices = decodeRle(buf, dataOffset, width, height, compression === 1 ? 8 : 4);
    const pal = palette as Uint8Array;
    for (let y = 0; y < height; y++) {
      const dst = rowOf(y) * width * 3;
      for (let x = 0; x < width; x++) {
        const p = indices[y * width + x] * 3;
        out[dst + x * 3] = pal[p];
        out[dst + x * 3 + 1] = pal[p + 1];
        out[dst + x * 3 + 2] = pal[p + 2];
      }
    }
    return { width, height, channels: 3, data: out };
  }

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const needed = dataOffset + stride * (height - 1) + Math.ceil((bpp * width) / 8);
  if (needed > buf.length) throw new BmpError(`BMP pixel data ends early (${buf.length} of ${needed} bytes)`, 'truncated');
  for (let y = 0; y < height; y++) {
    const src = dataOffset + y * stride;
    const dst = rowOf(y) * width * channels;
    for (let x = 0; x < width; x++) {
      const o = dst + x * channels;
      if (bpp <= 8) {
        const pal = palette as Uint8Array;
        const bitPos = x * bpp;
        const byte = buf[src + (bitPos >> 3)];
        const index = (byte >> (8 - bpp - (bitPos & 7))) & ((1 << bpp) - 1);
        out[o] = pal[index * 3];
        out[o + 1] = pal[index * 3 + 1];
        out[o + 2] = pal[index * 3 + 2];
      } else if (bpp === 24 && masks === null) {
        const s = src + x * 3;
        out[o] = buf[s + 2];
        out[o + 1] = buf[s + 1];
        out[o + 2] = buf[s];
      } else {
        const m = masks as { r: Mask; g: Mask; b: Mask; a: Mask };
        const value = bpp === 16 ? view.getUint16(src + x * 2, true) : bpp === 24 ? buf[src + x * 3] | (buf[src + x * 3 + 1] << 8) | (buf[src + x * 3 + 2] << 16) : view.getUint32(src + x * 4, true);
        out[o] = channelOf(value, m.r);
        out[o + 1] = channelOf(value, m.g);
        out[o + 2] = channelOf(value, m.b);
        if (channels === 4) out[o + 3] = channelOf(value, m.a);
      }
    }
  }
  return { width, height, channels, data: out };
}

/** Expands RLE8 / RLE4 data into one palette index per pixel, rows in stored (bottom-up) order. */
function decodeRle(buf: Uint8Array, start: number, width: number, height: number, bits: 8 | 4): Uint8Array {
  const indices = new Uint8Array(width * height);
  let x = 0;
  let y = 0;
  let p = start;
  const put = (v: number): void => {
    if (x < width && y < height) indices[y * width + x] = v;
    x++;
  };
  for (;;) {
    if (p + 2 > buf.length) throw new BmpError('RLE pixel data ends before its end-of-bitmap marker', 'truncated');
    const count = buf[p];
    const value = buf[p + 1];
    p += 2;
    if (count > 0) {
      for (let i = 0; i < count; i++) put(bits === 8 ? value : i % 2 === 0 ? value >> 4 : value & 15);
    } else if (value === 0) {
      x = 0;
      y++;
    } else if (value === 1) {
      break;
    } else if (value === 2) {
      if (p + 2 > buf.length) throw new BmpError('RLE pixel data ends inside a delta', 'truncated');
      x += buf[p];
      y += buf[p + 1];
      p += 2;
    } else {
      const n = value;
      const bytes = bits === 8 ? n : Math.ceil(n / 2);
      if (p + bytes > buf.length) throw new BmpError('RLE pixel data ends inside an absolute run', 'truncated');
      for (let i = 0; i < n; i++) put(bits === 8 ? buf[p + i] : i % 2 === 0 ? buf[p + (i >> 1)] >> 4 : buf[p + (i >> 1)] & 15);
      p += bytes + (bytes & 1);
    }
    if (y >= height) break;
  }
  return indices;
}
