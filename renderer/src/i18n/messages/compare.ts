/**
 * The Compare view: summary, curves, the settings that differ, the images every run gets wrong.
 */
import { defineMessages } from '../../../../shared/i18n/catalogue';

export const COMPARE = defineMessages({
  'compare.pick': { en: 'Pick runs to compare', ko: '비교할 실행을 고르세요' },
  'compare.pickText': { en: 'In **Runs**, tick two or more rows and press **Compare**.', ko: '**실행 목록**에서 두 개 이상의 행을 체크하고 **비교**를 누르세요.' },
  'compare.latest': { en: 'Compare the latest two', ko: '최근 두 실행 비교' },
  'compare.openRuns': { en: 'Open Runs', ko: '실행 목록 열기' },
  'compare.loadError': { en: 'Could not load the runs', ko: '실행을 불러올 수 없습니다' },
  'compare.loading': { en: 'Loading {n} runs…', ko: '실행 {n}개를 불러오는 중…' },
  'compare.summary': { en: 'Summary', ko: '요약' },
  'compare.summaryNote': { en: 'test accuracy is measured on the same held-out images for runs on one dataset', ko: '같은 데이터셋의 실행은 같은 테스트 이미지로 테스트 정확도를 잽니다' },
  'compare.col.run': { en: 'Run', ko: '실행' },
  'compare.col.status': { en: 'Status', ko: '상태' },
  'compare.col.arch': { en: 'Architecture', ko: '아키텍처' },
  'compare.col.test': { en: 'Test acc.', ko: '테스트 정확도' },
  'compare.col.bestVal': { en: 'Best val.', ko: '최고 검증 정확도' },
  'compare.col.bestEpoch': { en: 'Best epoch', ko: '최고 에폭' },
  'compare.col.params': { en: 'Params', ko: '파라미터' },
  'compare.col.time': { en: 'Time', ko: '시간' },
  'compare.col.backend': { en: 'Backend', ko: '백엔드' },
  'compare.accuracy': { en: 'Accuracy', ko: '정확도' },
  'compare.loss': { en: 'Loss', ko: '손실' },
  'compare.solidDashed': { en: 'solid: validation · dashed: training', ko: '실선: 검증 · 점선: 학습' },
  'compare.train': { en: '{label} (train)', ko: '{label} (학습)' },
  'compare.accuracyChart': { en: 'Accuracy per epoch for each run', ko: '실행별 에폭당 정확도' },
  'compare.lossChart': { en: 'Loss per epoch for each run', ko: '실행별 에폭당 손실' },
  'compare.differ': { en: 'Settings that differ', ko: '다른 설정' },
  'compare.same': {
    en: 'These runs used identical settings (a repeat: differences come from nothing but chance… or the seed is equal too, so they should match).',
    ko: '이 실행들은 설정이 같습니다 (반복 실행이라 차이는 우연에서만 옵니다. 시드까지 같다면 결과도 같아야 합니다).',
  },
  'compare.setting': { en: 'Setting', ko: '설정' },
  'compare.dataset': { en: 'dataset', ko: '데이터셋' },
  'compare.wrongEverywhere': { en: 'Wrong in every run', ko: '모든 실행이 틀린 이미지' },
  'compare.wrongNote': { en: 'test images none of these runs gets right · the same wrong answer from every run first, then the most confident', ko: '어느 실행도 맞히지 못한 테스트 이미지 · 모든 실행이 같은 오답을 낸 것부터, 그다음 가장 확신한 것' },
  'compare.imageAlt': { en: '{name} image', ko: '{name} 이미지' },
  'compare.more': { en: 'Show more ({n} left)', ko: '더 보기 ({n}개 남음)' },
  'compare.legend': { en: 'Under each picture: its true class, then what each run called it (colours as in the summary).', ko: '이미지 아래: 실제 클래스, 그리고 각 실행의 예측 (색은 요약 표와 같음).' },
  'compare.true': { en: 'true: {name}', ko: '실제: {name}' },
  'compare.called': { en: '#{id} called it {name} ({p})', ko: '#{id}의 예측: {name} ({p})' },
});
