/**
 * What the importer says about a folder: why a file was left out, by its code and parameters
 * (shared/rejections.ts), in both languages, for the import report, the CLI and the HTML report.
 */
import type { RejectProblem } from '../rejections';
import { defineMessages, render } from './catalogue';
import type { Locale } from './locale';

export const IMPORT_WORDS = defineMessages({
  'reject.corrupt': { en: 'corrupt', ko: '손상됨' },
  'reject.truncated': { en: 'truncated', ko: '잘림' },
  'reject.empty': { en: 'empty', ko: '빈 파일' },
  'reject.not-an-image': { en: 'not an image', ko: '이미지 아님' },
  'reject.unreadable': { en: 'unreadable', ko: '읽을 수 없음' },

  'rejection.empty': { en: 'the file is empty (0 bytes)', ko: '빈 파일입니다 (0바이트)' },
  'rejection.broken-link': { en: 'a link to a file that no longer exists', ko: '더 이상 없는 파일을 가리키는 링크입니다' },
  'rejection.not-a-file': { en: 'not a file (a device, socket or pipe)', ko: '파일이 아닙니다 (장치, 소켓 또는 파이프)' },
  'rejection.no-permission': { en: 'Bloombench is not allowed to read this file', ko: 'Bloombench에 이 파일을 읽을 권한이 없습니다' },
  'rejection.folder-unreadable': { en: 'this folder could not be opened', ko: '이 폴더를 열 수 없습니다' },
  'rejection.unreadable': { en: 'the file could not be read', ko: '파일을 읽을 수 없습니다' },
  'rejection.not-an-image': { en: 'not an image: it is {kind}', ko: '이미지가 아닙니다: {kind}입니다' },
  'rejection.not-an-image.unknown': { en: 'not an image: its content is {kind}', ko: '이미지가 아닙니다: {kind}' },
  'rejection.misnamed': { en: 'named {ext}, but it is {kind}, not a picture', ko: '이름은 {ext}이지만 이미지가 아니라 {kind}입니다' },
  'rejection.misnamed.unknown': { en: 'named {ext}, but its content is not a picture (damaged, or another kind of file)', ko: '이름은 {ext}이지만 내용이 이미지가 아닙니다 (손상되었거나 다른 종류의 파일)' },
  'rejection.unsupported-format': { en: '{format} pictures are not supported: convert them to JPEG or PNG', ko: '{format} 이미지는 지원하지 않습니다. JPEG이나 PNG로 변환하세요' },
  'rejection.truncated': { en: 'the {format} is cut short: the file ends before the picture does', ko: '{format} 파일이 잘렸습니다. 이미지가 끝나기 전에 파일이 끝납니다' },
  'rejection.corrupt': { en: 'the {format} is damaged and cannot be decoded', ko: '{format} 파일이 손상되어 디코딩할 수 없습니다' },

  'kind.text': { en: 'a text file', ko: '텍스트 파일' },
  'kind.html': { en: 'a web page (HTML)', ko: '웹 페이지(HTML)' },
  'kind.svg': { en: 'an SVG drawing (vector graphics are not read; export it as PNG)', ko: 'SVG 그림(벡터 그래픽은 읽지 않으니 PNG로 내보내세요)' },
  'kind.xml': { en: 'an XML file', ko: 'XML 파일' },
  'kind.pdf': { en: 'a PDF document', ko: 'PDF 문서' },
  'kind.archive': { en: 'an archive (ZIP, gzip, RAR or 7z); unpack it first', ko: '압축 파일(ZIP, gzip, RAR, 7z)이므로 먼저 압축을 푸세요' },
  'kind.video': { en: 'a video', ko: '동영상' },
  'kind.audio': { en: 'a sound file', ko: '소리 파일' },
  'kind.photoshop': { en: 'a Photoshop document; export it as PNG or JPEG', ko: '포토샵 문서이므로 PNG나 JPEG로 내보내세요' },
  'kind.icon': { en: 'a Windows icon', ko: 'Windows 아이콘' },
  'kind.program': { en: 'a program', ko: '프로그램' },
  'kind.unknown': { en: 'not in any picture format Bloombench reads (JPEG, PNG, WebP, GIF, BMP, TIFF, AVIF)', ko: 'Bloombench가 읽는 이미지 형식(JPEG, PNG, WebP, GIF, BMP, TIFF, AVIF)이 아닙니다' },
});

/** Why a file was left out, as a sentence in a language (English: the same words as `rejectionMessage`). */
export function rejectionText(p: RejectProblem, locale: Locale): string {
  const say = (key: keyof typeof IMPORT_WORDS, params?: Record<string, string>) => render(locale, IMPORT_WORDS[key], params);
  switch (p.code) {
    case 'not-an-image':
      return p.params.kind === 'unknown' ? say('rejection.not-an-image.unknown', { kind: say('kind.unknown') }) : say('rejection.not-an-image', { kind: say(`kind.${p.params.kind}`) });
    case 'misnamed':
      return p.params.kind === 'unknown' ? say('rejection.misnamed.unknown', { ext: p.params.ext }) : say('rejection.misnamed', { ext: p.params.ext, kind: say(`kind.${p.params.kind}`) });
    case 'unsupported-format':
    case 'truncated':
    case 'corrupt':
      return say(`rejection.${p.code}`, { format: p.params.format });
    default:
      return say(`rejection.${p.code}`);
  }
}
