/**
 * What the importer says about a folder: why a file was left out (`RejectReason`), in both
 * languages, for the import report, the CLI and the HTML report.
 */
import { defineMessages } from './catalogue';

export const IMPORT_WORDS = defineMessages({
  'reject.corrupt': { en: 'corrupt', ko: '손상됨' },
  'reject.truncated': { en: 'truncated', ko: '잘림' },
  'reject.empty': { en: 'empty', ko: '빈 파일' },
  'reject.not-an-image': { en: 'not an image', ko: '이미지 아님' },
  'reject.unreadable': { en: 'unreadable', ko: '읽을 수 없음' },
});
