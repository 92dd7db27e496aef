/**
 * Why an imported file was left out, in both languages, by the stable codes of
 * `shared/rejections.ts` (`rejectionText` fills them in); and what a file that is no picture is.
 */
import { defineMessages } from './catalogue';

export const REJECTION_WORDS = defineMessages({
  'reject.empty': { en: 'the file is empty (0 bytes)', ko: '빈 파일입니다(0바이트)' },
  'reject.broken-link': { en: 'a link to a file that no longer exists', ko: '더 이상 없는 파일을 가리키는 링크입니다' },
  'reject.not-a-file': { en: 'not a file (a device, socket or pipe)', ko: '파일이 아닙니다(장치, 소켓 또는 파이프)' },
  'reject.no-permission': { en: 'Bloombench is not allowed to read this file', ko: 'Bloombench에 이 파일을 읽을 권한이 없습니다' },
  'reject.folder-unreadable': { en: 'this folder could not be opened', ko: '이 폴더를 열 수 없습니다' },
  'reject.unreadable': { en: 'the file could not be read', ko: '파일을 읽을 수 없습니다' },
  'reject.not-an-image': { en: 'not an image: it is {what}', ko: '이미지가 아닙니다: {what}입니다' },
  'reject.not-an-image.unknown': {
    en: 'not an image: its content is not in any picture format Bloombench reads (JPEG, PNG, WebP, GIF, BMP, TIFF, AVIF)',
    ko: '이미지가 아닙니다: Bloombench가 읽는 그림 형식(JPEG, PNG, WebP, GIF, BMP, TIFF, AVIF)이 아닙니다',
  },
  'reject.misnamed': { en: 'named {ext}, but it is {what}, not a picture', ko: '이름은 {ext}이지만 그림이 아니라 {what}입니다' },
  'reject.misnamed.unknown': {
    en: 'named {ext}, but its content is not a picture (damaged, or another kind of file)',
    ko: '이름은 {ext}이지만 내용이 그림이 아닙니다(손상되었거나 다른 종류의 파일)',
  },
  'reject.unsupported-format': { en: '{format} pictures are not supported: convert them to JPEG or PNG', ko: '{format} 그림은 지원하지 않습니다: JPEG나 PNG로 변환하세요' },
  'reject.truncated': { en: 'the {format} is cut short: the file ends before the picture does', ko: '{format} 파일이 잘려 있습니다: 그림이 끝나기 전에 파일이 끝납니다' },
  'reject.corrupt': { en: 'the {format} is damaged and cannot be decoded', ko: '{format} 파일이 손상되어 디코딩할 수 없습니다' },

  'contentKind.text': { en: 'a text file', ko: '텍스트 파일' },
  'contentKind.html': { en: 'a web page (HTML)', ko: '웹 페이지(HTML)' },
  'contentKind.svg': { en: 'an SVG drawing (vector graphics are not read; export it as PNG)', ko: '벡터 그림 파일(SVG, 읽지 않음; PNG로 내보내세요)' },
  'contentKind.xml': { en: 'an XML file', ko: 'XML 파일' },
  'contentKind.pdf': { en: 'a PDF document', ko: 'PDF 문서' },
  'contentKind.archive': { en: 'an archive (ZIP, gzip, RAR or 7z); unpack it first', ko: '압축 파일(ZIP, gzip, RAR 등)이므로 먼저 풀어야 하는 파일' },
  'contentKind.video': { en: 'a video', ko: '동영상' },
  'contentKind.audio': { en: 'a sound file', ko: '소리 파일' },
  'contentKind.photoshop': { en: 'a Photoshop document; export it as PNG or JPEG', ko: '포토샵 문서(PNG나 JPEG로 내보내세요)' },
  'contentKind.icon': { en: 'a Windows icon', ko: '윈도우 아이콘' },
  'contentKind.program': { en: 'a program', ko: '프로그램' },
});
