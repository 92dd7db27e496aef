/**
 * Importing a folder: a folder imported before (open it or re-scan it), a re-scan's result, and
 * the table of files left out (their reasons come from shared/i18n/rejections.ts by code).
 */
import { defineMessages } from '../../../../shared/i18n/catalogue';

export const IMPORTS = defineMessages({
  'imports.already.title': { en: 'This folder is already imported', ko: '이미 가져온 폴더입니다' },
  'imports.already.body': {
    en: {
      one: '{folder} was imported as “{name}” ({n} image, {when}). Open that dataset, or re-scan the folder to import what it holds now (the earlier dataset is replaced, or kept beside the new one if runs use it).',
      other: '{folder} was imported as “{name}” ({n} images, {when}). Open that dataset, or re-scan the folder to import what it holds now (the earlier dataset is replaced, or kept beside the new one if runs use it).',
    },
    ko: '{folder} 폴더는 “{name}” 데이터셋으로 가져왔습니다(이미지 {n}장, {when}). 그 데이터셋을 열거나, 폴더를 다시 스캔해 지금 들어 있는 내용을 가져오세요(이전 데이터셋은 바뀌며, 그것을 쓰는 실행이 있으면 새 데이터셋 옆에 남습니다).',
  },
  'imports.already.open': { en: 'Open “{name}”', ko: '“{name}” 열기' },
  'imports.already.rescan': { en: 'Re-scan the folder', ko: '폴더 다시 스캔' },
  'imports.rescanned.title': { en: 'Re-scanned', ko: '다시 스캔함' },
  'imports.rescanned.kept': {
    en: 'A new dataset from the folder as it is now; the earlier import “{name}” stays for the runs and studies that use it.',
    ko: '지금 폴더 내용으로 만든 새 데이터셋입니다. 이전에 가져온 “{name}” 데이터셋은 그것을 쓰는 실행과 실험을 위해 남습니다.',
  },
  'imports.rescanned.replaced': {
    en: 'The folder as it is now; it replaces the earlier import, which no run used.',
    ko: '지금 폴더 내용입니다. 쓰는 실행이 없던 이전 가져오기를 대신합니다.',
  },
  'imports.rejected.file': { en: 'File', ko: '파일' },
  'imports.rejected.why': { en: 'Why', ko: '이유' },
  'imports.rejected.detail': { en: 'Technical detail', ko: '기술 정보' },
});
