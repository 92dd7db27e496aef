/**
 * Image decoding for import and cache: format sniffing, full decodes that notice truncation,
 * grayscale detection and the square resize the cache stores.
 *
 * Only formats recognised by their leading bytes reach a decoder (never SVG or PDF), whatever
 * the file is called. BMP goes through our own decoder (`bmp.ts`); everything else through sharp.
 */
import path from 'node:path';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { contentKind, type FormatName, type RejectProblem } from '../../shared/rejections';
import { BmpError, decodeBmp, looksLikeBmp } from './bmp';

/** Raster formats the importer accepts. */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'tiff' | 'avif';

/** File name extensions that promise an image; a file so named that is not one is "corrupt". */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.gif', '.webp', '.bmp', '.dib', '.tif', '.tiff', '.avif', '.heic', '.heif']);

/**
 * The decode options every sharp call here uses.
 *
 * `failOn: 'truncated'` makes a file whose data ends early an error instead of a grey-filled
 * picture, while tolerating the harmless warnings many real cameras' JPEGs produce.
 */
const SHARP_OPTIONS: SharpOptions = { failOn: 'truncated', autoOrient: true };

/** Images up to this many pixels are checked for colour at full size; larger ones are shrunk. */
const GRAY_PROBE_PIXELS = 1024 * 1024;
/** Longest side of the shrunk copy of a large image that the grayscale check looks at. */
const GRAY_PROBE_SIDE = 1024;

/** Identifies an image format from its first bytes; `heic` is recognised only to be refused. */
export function sniffFormat(buf: Uint8Array): ImageFormat | 'heic' | null {
  const ascii = (start: number, end: number): string => String.fromCharCode(...buf.subarray(start, end));
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 8 && buf[0] === 0x89 && ascii(1, 4) === 'PNG' && buf[4] === 0x0d && buf[5] === 0x0a && buf[6] === 0x1a && buf[7] === 0x0a) return 'png';
  if (buf.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'gif';
  if (buf.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (looksLikeBmp(buf)) return 'bmp';
  if (buf.length >= 4 && ((buf[0] === 0x49 && buf[1] === 0x49 && buf[2] === 0x2a && buf[3] === 0) || (buf[0] === 0x4d && buf[1] === 0x4d && buf[2] === 0 && buf[3] === 0x2a))) return 'tiff';
  if (buf.length >= 12 && ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heic';
  }
  return null;
}

/** What the import learns about one readable image. */
export interface ProbedImage {
  readonly ok: true;
  readonly format: ImageFormat;
  /** Width after EXIF orientation. */
  readonly width: number;
  /** Height after EXIF orientation. */
  readonly height: number;
  /** True when the decoded pixels carry no colour (one channel, or R = G = B within JPEG noise). */
  readonly grayscale: boolean;
}

/** Why one file is not an image the dataset can use: the problem, and the decoder's own words. */
export interface ProbeFailure {
  readonly ok: false;
  readonly problem: RejectProblem;
  readonly detail: string;
}

/** Each format as messages name it. */
export const FORMAT_NAMES: Readonly<Record<ImageFormat | 'heic', FormatName>> = { jpeg: 'JPEG', png: 'PNG', gif: 'GIF', webp: 'WebP', bmp: 'BMP', tiff: 'TIFF', avif: 'AVIF', heic: 'HEIC' };

function failure(problem: RejectProblem, detail: string): ProbeFailure {
  return { ok: false, problem, detail };
}

/**
 * Decodes `buf` completely (so that truncation shows) and measures it.
 *
 * `fileName` only picks the problem of bytes no decoder recognises: `misnamed` when the name
 * promises an image, `not-an-image` otherwise (each saying what the bytes are).
 */
export async function probeImage(buf: Buffer, fileName: string): Promise<ProbedImage | ProbeFailure> {
  if (buf.length === 0) return failure({ code: 'empty', params: {} }, 'the file is empty (0 bytes)');
  const format = sniffFormat(buf);
  if (format === null) return unrecognised(buf, fileName);
  if (format === 'heic') return failure({ code: 'unsupported-format', params: { format: 'HEIC' } }, 'HEIC/HEIF photos are not supported; convert them to JPEG');
  try {
    if (format === 'bmp') {
      const bmp = decodeBmp(buf);
      const rgb = bmp.channels === 3 ? bmp.data : await sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: bmp.channels } }).removeAlpha().raw().toBuffer();
      return { ok: true, format, width: bmp.width, height: bmp.height, grayscale: isGrayscaleRgb(rgb) };
    }
    try {
      return await probeWithSharp(buf, format);
    } catch {
      // libvips keeps one error buffer for all threads, so a failure's message can be lost or
      // mixed with another's while decodes run in parallel. Failures are rare: decode this
      // file again, one failure at a time, for a clean message.
      return await oneAtATime(() => probeWithSharp(buf, format));
    }
  } catch (e) {
    return decodeFailure(e, buf, format);
  }
}

/** Decodes every pixel of a sharp-readable image (truncation only shows at the end of the data) and measures it. */
async function probeWithSharp(buf: Buffer, format: ImageFormat): Promise<ProbedImage | ProbeFailure> {
  const image = sharp(buf, SHARP_OPTIONS);
  const meta = await image.metadata();
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) return failure({ code: 'corrupt', params: { format: FORMAT_NAMES[format] } }, `${format} header has no dimensions`);
  // Big images go through shrink-on-load so memory stays small; every byte is still decoded.
  if (width * height > GRAY_PROBE_PIXELS) image.resize({ width: GRAY_PROBE_SIDE, height: GRAY_PROBE_SIDE, fit: 'inside' });
  const rgb = await image.removeAlpha().toColourspace('srgb').raw().toBuffer();
  const grayscale = meta.channels === 1 || (meta.channels === 2 && meta.hasAlpha) || isGrayscaleRgb(rgb);
  return { ok: true, format, width, height, grayscale };
}

let failureQueue: Promise<void> = Promise.resolve();

/** Runs `fn` after every earlier call of `oneAtATime` has settled. */
async function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const previous = failureQueue;
  let release = (): void => undefined;
  failureQueue = new Promise<void>((resolve) => (release = resolve));
  await previous;
  try {
    return await fn();
  } finally {
    release();
  }
}

/**
 * Decodes an image and squashes it to `size`×`size` (aspect ratio not kept, as Keras'
 * `image_dataset_from_directory` does by default), returning HWC uint8 pixels: RGB for 3
 * channels, luminance for 1.
 *
 * EXIF orientation is applied, alpha is composited over white, CMYK / 16-bit / palette input
 * is converted to 8-bit sRGB first. Throws with the decoder's message on a bad file.
 */
export async function decodeSquare(buf: Buffer, size: number, channels: 1 | 3): Promise<Buffer> {
  const format = sniffFormat(buf);
  if (buf.length === 0) throw new Error('the file is empty (0 bytes)');
  if (format === 'heic') throw new Error('HEIC/HEIF photos are not supported; convert them to JPEG');
  if (format === null) throw new Error('not an image in a format Bloombench reads (JPEG, PNG, WebP, GIF, BMP, TIFF, AVIF)');
  let image: Sharp;
  if (format === 'bmp') {
    const bmp = decodeBmp(buf);
    image = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: bmp.channels } });
  } else {
    image = sharp(buf, SHARP_OPTIONS);
  }
  const { data, info } = await image
    .flatten({ background: '#ffffff' })
    .resize(size, size, { fit: 'fill' })
    .toColourspace(channels === 3 ? 'srgb' : 'b-w')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const expected = size * size * channels;
  if (data.length !== expected || info.channels !== channels) throw new Error(`decoder returned ${info.width}×${info.height}×${info.channels}, expected ${size}×${size}×${channels}`);
  return data;
}

/**
 * True when an 8-bit RGB buffer has no colour.
 *
 * Gray photos stored as 3-channel JPEG are not exactly R = G = B (chroma quantisation), so a
 * pixel counts as gray within a small tolerance, and the image when nearly all pixels are.
 */
export function isGrayscaleRgb(rgb: Uint8Array): boolean {
  const pixels = rgb.length / 3;
  if (pixels === 0) return false;
  let coloured = 0;
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i];
    const g = rgb[i + 1];
    const b = rgb[i + 2];
    const spread = Math.max(r, g, b) - Math.min(r, g, b);
    if (spread > GRAY_PIXEL_TOLERANCE) coloured++;
  }
  return coloured <= pixels * GRAY_COLOURED_FRACTION;
}

/**
 * Largest max−min channel spread of a pixel still called gray. Gray photos saved as 3-channel
 * JPEG decode with spreads up to about 5 (chroma rounding); visible colour starts well above.
 */
const GRAY_PIXEL_TOLERANCE = 6;
/**
 * Share of pixels allowed above the tolerance (a tiny watermark or dust). Kept small so that
 * selective-colour photos and toned (sepia) prints count as colour.
 */
const GRAY_COLOURED_FRACTION = 0.002;

function unrecognised(buf: Buffer, fileName: string): ProbeFailure {
  const head = Array.from(buf.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const ext = path.extname(fileName).toLowerCase();
  const kind = contentKind(buf);
  if (IMAGE_EXTENSIONS.has(ext)) return failure({ code: 'misnamed', params: { ext, kind } }, `named ${ext} but its bytes are not a known image format (starts ${head})`);
  return failure({ code: 'not-an-image', params: { kind } }, `not an image file (starts ${head})`);
}

function decodeFailure(e: unknown, buf: Buffer, format: ImageFormat): ProbeFailure {
  const detail = decoderMessage(e, format);
  const params = { format: FORMAT_NAMES[format] };
  if (e instanceof BmpError) return failure({ code: e.reason, params }, detail);
  if (/premature end|unexpected end|truncat|end of file|\bEOF\b|not enough data|short read/i.test(detail)) return failure({ code: 'truncated', params }, detail);
  if (endsEarly(buf, format)) {
    // libvips shares one error buffer across threads, so a parallel decode can leave only
    // "Unknown error" here; say what the bytes show instead.
    const what = `premature end of ${format.toUpperCase()} data: the file ends before the image is complete`;
    return failure({ code: 'truncated', params }, /^unknown error$|without a message/i.test(detail) ? what : `${detail} (${what})`);
  }
  return failure({ code: 'corrupt', params }, detail);
}

/** Loader names in libvips messages, to drop lines another thread's failure left in the buffer. */
const LOADER_PATTERN: Readonly<Record<ImageFormat, RegExp>> = { jpeg: /jpe?g/i, png: /png/i, gif: /gif/i, webp: /webp/i, bmp: /bmp/i, tiff: /tiff/i, avif: /heif|avif/i };

function decoderMessage(e: unknown, format: ImageFormat): string {
  const lines = (e instanceof Error ? e.message : String(e))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const own = lines.filter((l) => LOADER_PATTERN[format].test(l));
  const chosen = own.length ? own : lines;
  return chosen.join('; ') || 'the decoder failed without a message';
}

/**
 * Structural check, used only after a decode failed: does the container end before it should?
 * (PNG chunks running past the end or no IEND, a GIF without its trailer, a RIFF shorter than
 * its size field, a JPEG without an end-of-image marker.)
 */
export function endsEarly(buf: Uint8Array, format: ImageFormat): boolean {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  switch (format) {
    case 'png': {
      let p = 8;
      while (p + 8 <= buf.length) {
        const len = view.getUint32(p);
        const type = String.fromCharCode(buf[p + 4], buf[p + 5], buf[p + 6], buf[p + 7]);
        if (p + 12 + len > buf.length) return true;
        if (type === 'IEND') return false;
        p += 12 + len;
      }
      return true;
    }
    case 'gif':
      return buf[buf.length - 1] !== 0x3b;
    case 'webp':
      return buf.length < 12 || view.getUint32(4, true) + 8 > buf.length;
    case 'jpeg': {
      for (let i = buf.length - 2; i >= Math.max(0, buf.length - 1024); i--) if (buf[i] === 0xff && buf[i + 1] === 0xd9) return false;
      return true;
    }
    default:
      return false;
  }
}
