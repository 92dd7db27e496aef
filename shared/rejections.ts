/**
 * Why an imported file was left out, as a stable code with parameters and a sentence (English
 * and Korean, shared/i18n/rejections.ts), so that every view says it the same way.
 *
 * The decoder's own words stay in the rejected file's `detail`, for the curious.
 */

import { renderRef, type MessageRef } from './i18n/catalogue';
import type { Locale } from './i18n/locale';
import { REJECTION_WORDS } from './i18n/rejections';

/** Why a file was left out of a dataset, broadly (the `code` of its problem says precisely). */
export type RejectReason = 'corrupt' | 'truncated' | 'empty' | 'not-an-image' | 'unreadable';

/** What a file that is not an image turned out to be, judged from its first bytes. */
export const CONTENT_KINDS = ['text', 'html', 'svg', 'xml', 'pdf', 'archive', 'video', 'audio', 'photoshop', 'icon', 'program', 'unknown'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** Picture formats, as the messages name them. */
export type FormatName = 'JPEG' | 'PNG' | 'GIF' | 'WebP' | 'BMP' | 'TIFF' | 'AVIF' | 'HEIC';

/**
 * One reason a file was left out, with the parameters its sentence needs.
 *
 * - `empty`: the file has 0 bytes.
 * - `broken-link`: a symbolic link whose target is gone.
 * - `not-a-file`: a device, socket or pipe (or a link to one).
 * - `no-permission`: the file may not be read.
 * - `folder-unreadable`: a folder under a class could not be listed.
 * - `unreadable`: reading failed for another reason (the detail says which).
 * - `not-an-image`: the content is no picture; `kind` says what it is.
 * - `misnamed`: the name promises a picture (`ext`) but the content is `kind`.
 * - `unsupported-format`: a picture in a format Bloombench does not read (HEIC).
 * - `truncated`: the picture's data ends before the picture does.
 * - `corrupt`: the picture's data is damaged and cannot be decoded.
 */
export type RejectProblem =
  | { readonly code: 'empty'; readonly params: Record<string, never> }
  | { readonly code: 'broken-link'; readonly params: Record<string, never> }
  | { readonly code: 'not-a-file'; readonly params: Record<string, never> }
  | { readonly code: 'no-permission'; readonly params: Record<string, never> }
  | { readonly code: 'folder-unreadable'; readonly params: Record<string, never> }
  | { readonly code: 'unreadable'; readonly params: Record<string, never> }
  | { readonly code: 'not-an-image'; readonly params: { readonly kind: ContentKind } }
  | { readonly code: 'misnamed'; readonly params: { readonly ext: string; readonly kind: ContentKind } }
  | { readonly code: 'unsupported-format'; readonly params: { readonly format: FormatName } }
  | { readonly code: 'truncated'; readonly params: { readonly format: FormatName } }
  | { readonly code: 'corrupt'; readonly params: { readonly format: FormatName } };

/** Every rejection code, in a stable order (a translation must cover each). */
export const REJECT_CODES = [
  'empty',
  'broken-link',
  'not-a-file',
  'no-permission',
  'folder-unreadable',
  'unreadable',
  'not-an-image',
  'misnamed',
  'unsupported-format',
  'truncated',
  'corrupt',
] as const satisfies readonly RejectProblem['code'][];
export type RejectCode = (typeof REJECT_CODES)[number];

/** The sentence of a rejection in a language: "not an image: it is a text file", "the JPEG is cut short: …". */
export function rejectionText(p: RejectProblem, locale: Locale): string {
  const ref = rejectionRef(p, locale);
  return renderRef(REJECTION_WORDS, locale, ref) ?? p.code;
}

/** The catalogue reference of a rejection's sentence (what a non-image is already in `locale`). */
export function rejectionRef(p: RejectProblem, locale: Locale): MessageRef {
  const what = (kind: ContentKind): string => renderRef(REJECTION_WORDS, locale, { key: `contentKind.${kind}` }) ?? kind;
  switch (p.code) {
    case 'not-an-image':
      return p.params.kind === 'unknown' ? { key: 'reject.not-an-image.unknown' } : { key: 'reject.not-an-image', params: { what: what(p.params.kind) } };
    case 'misnamed':
      return p.params.kind === 'unknown' ? { key: 'reject.misnamed.unknown', params: { ext: p.params.ext } } : { key: 'reject.misnamed', params: { ext: p.params.ext, what: what(p.params.kind) } };
    case 'unsupported-format':
    case 'truncated':
    case 'corrupt':
      return { key: `reject.${p.code}`, params: { format: p.params.format } };
    default:
      return { key: `reject.${p.code}` };
  }
}

/** The plain English sentence of a rejection (the report's `message`). */
export function rejectionMessage(p: RejectProblem): string {
  return rejectionText(p, 'en');
}

/** The broad reason of each code (the images table and older reports keep only this). */
export const REASON_OF_CODE: Readonly<Record<RejectCode, RejectReason>> = {
  empty: 'empty',
  'broken-link': 'unreadable',
  'not-a-file': 'unreadable',
  'no-permission': 'unreadable',
  'folder-unreadable': 'unreadable',
  unreadable: 'unreadable',
  'not-an-image': 'not-an-image',
  misnamed: 'corrupt',
  'unsupported-format': 'not-an-image',
  truncated: 'truncated',
  corrupt: 'corrupt',
};

/** ASCII of `bytes[start, end)`. */
function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

/**
 * What a file that no picture decoder recognises is, from its first bytes (a few hundred are
 * plenty; eight tell text from binary well enough).
 */
export function contentKind(bytes: Uint8Array): ContentKind {
  const b = bytes;
  if (b.length === 0) return 'unknown';
  if (ascii(b, 0, 5) === '%PDF-') return 'pdf';
  if (ascii(b, 0, 4) === 'PK\x03\x04' || ascii(b, 0, 4) === 'PK\x05\x06' || (b[0] === 0x1f && b[1] === 0x8b) || ascii(b, 0, 4) === 'Rar!' || ascii(b, 0, 6) === '7z\xbc\xaf\x27\x1c') return 'archive';
  if (ascii(b, 0, 4) === '8BPS') return 'photoshop';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && (b[2] === 1 || b[2] === 2) && b[3] === 0) return 'icon';
  if (ascii(b, 0, 4) === '\x7fELF' || ascii(b, 0, 2) === 'MZ' || (b.length >= 4 && [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0))) return 'program';
  if (ascii(b, 4, 8) === 'ftyp' || ascii(b, 0, 4) === '\x1aE\xdf\xa3' || (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'AVI ')) return 'video';
  if (ascii(b, 0, 3) === 'ID3' || ascii(b, 0, 4) === 'fLaC' || ascii(b, 0, 4) === 'OggS' || (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE') || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0)) return 'audio';
  const head = b.subarray(0, 4096);
  if (!looksLikeText(head)) return 'unknown';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/^\ufeff/, '').trimStart().toLowerCase();
  if (/^<svg[\s>/]/.test(text) || (/^<\?xml/.test(text) && text.includes('<svg'))) return 'svg';
  if (/^<!doctype html|^<html[\s>]/.test(text)) return 'html';
  if (/^<\?xml/.test(text)) return 'xml';
  return 'text';
}

/** True when the bytes read as UTF-8 text: no NUL, valid sequences (one cut off at the end is fine), few control characters. */
function looksLikeText(b: Uint8Array): boolean {
  let control = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0) return false;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) control++;
    else if (c >= 0x80) {
      const len = c >= 0xf8 ? 0 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
      if (len === 0) return false;
      for (let k = 1; k < len; k++) {
        if (i + k >= b.length) return true;
        if ((b[i + k] & 0xc0) !== 0x80) return false;
      }
      i += len - 1;
    }
  }
  return control <= b.length / 100;
}
