/**
 * Fixing labels from the app: relabel, exclude and restore (from the detail view, a gallery's
 * selection and the import report), dataset versions, and "retrain on the fixed data".
 */
import { defineMessages } from '../../../../shared/i18n/catalogue';

export const LABELS = defineMessages({
  'labels.fix.title': { en: 'Fix the label', ko: '레이블 고치기' },
  'labels.excluded': { en: 'excluded', ko: '제외됨' },
  'labels.fix.excludedText': { en: 'Left out of training and of later evaluations; the file stays on disk.', ko: '학습과 이후 평가에서 빠집니다. 파일은 디스크에 그대로 있습니다.' },
  'labels.fix.relabelled': { en: 'Labelled {cls} now (its folder says {folder}).', ko: '지금 레이블은 {cls}입니다 (폴더에서는 {folder}).' },
  'labels.fix.changedSince': { en: 'Labelled {cls} now; this run trained with {shown}.', ko: '지금 레이블은 {cls}입니다. 이 실행은 {shown} 레이블로 학습했습니다.' },
  'labels.fix.asFolder': { en: 'Labelled {cls}, as its folder says.', ko: '폴더대로 {cls} 레이블입니다.' },
  'labels.fix.newClass': { en: 'New class', ko: '새 클래스' },
  'labels.relabel': { en: 'Relabel', ko: '레이블 바꾸기' },
  'labels.exclude': { en: 'Exclude', ko: '제외' },
  'labels.restore': { en: 'Restore', ko: '되돌리기' },
  'labels.restoreHint': { en: "Back to its folder's label, included again", ko: '폴더의 레이블로 되돌리고 다시 포함합니다' },
  'labels.failed': { en: 'Could not change the labels', ko: '레이블을 바꿀 수 없습니다' },
  'labels.saved': {
    en: 'Saved as dataset version {version}. Each run keeps the version it trained on: retrain a run to use the fix.',
    ko: '데이터셋 버전 {version}(으)로 저장했습니다. 각 실행은 학습한 버전을 그대로 유지합니다. 고친 데이터를 쓰려면 실행을 다시 학습하세요.',
  },
  'labels.mark.now': { en: 'now {cls}', ko: '지금 {cls}' },
  'labels.select.toolbar': { en: 'Selected images', ko: '선택한 이미지' },
  'labels.select.all': { en: 'Select all {n}', ko: '{n}장 모두 선택' },
  'labels.select.none': { en: 'Select none', ko: '선택 해제' },
  'labels.select.count': { en: '{n} selected', ko: '{n}장 선택' },
  'labels.select.as': { en: 'Class', ko: '클래스' },
  'labels.select.clear': { en: 'Clear', ko: '선택 지우기' },
  'labels.select.hint': { en: 'Tick pictures to relabel, exclude or restore several at once.', ko: '여러 장을 한꺼번에 레이블 바꾸기, 제외, 되돌리기 하려면 사진에 체크하세요.' },
  'labels.select.one': { en: 'Select {file}', ko: '{file} 선택' },
  'labels.retrain.title': { en: 'The labels changed after this run trained (dataset version {was} → {version})', ko: '이 실행이 학습한 뒤 레이블이 바뀌었습니다 (데이터셋 버전 {was} → {version})' },
  'labels.retrain.text': { en: { one: '{n} image edited.', other: '{n} images edited.' }, ko: '이미지 {n}장을 고쳤습니다.' },
  'labels.retrain.button': { en: 'Retrain on the fixed data', ko: '고친 데이터로 다시 학습' },
  'labels.retrain.failed': { en: 'Could not start the retraining', ko: '다시 학습을 시작할 수 없습니다' },
  'labels.keep': { en: 'Keep {cls}, exclude the other copies', ko: '{cls} 사본만 남기고 나머지 제외' },
  'labels.keepDone': { en: 'Kept {cls}', ko: '{cls} 사본만 남김' },
  'labels.versions': {
    en: 'These runs trained on different label versions of {dataset} ({versions}). The paired test covers the test images both runs have predictions for (images excluded later are left out), and each run is scored against the labels it trained with.',
    ko: '이 실행들은 {dataset}의 서로 다른 레이블 버전으로 학습했습니다 ({versions}). 짝지은 검정은 두 실행 모두 예측이 있는 테스트 이미지만 씁니다 (나중에 제외한 이미지는 빠집니다). 각 실행은 학습할 때의 레이블로 채점됩니다.',
  },
  'labels.edits.title': { en: 'Label fixes', ko: '레이블 수정 내역' },
  'labels.edits.version': { en: 'version {version}', ko: '버전 {version}' },
  'labels.edits.note': { en: 'rows in the run database; no file was moved or deleted', ko: '실행 데이터베이스에만 기록되며 파일은 옮기거나 지우지 않았습니다' },
  'labels.edits.noneNow': { en: 'Every image is as its folder says again.', ko: '모든 이미지가 다시 폴더대로입니다.' },
  'labels.edits.history': { en: { one: 'History: {n} edit', other: 'History: {n} edits' }, ko: '기록: 수정 {n}건' },
  'labels.edits.versionCol': { en: 'Version', ko: '버전' },
  'labels.edits.when': { en: 'When', ko: '시각' },
  'labels.edits.image': { en: 'Image', ko: '이미지' },
  'labels.edits.action': { en: 'Edit', ko: '수정' },
  'labels.edits.more': { en: 'Show {n} more', ko: '{n}건 더 보기' },
  'labels.versionOf': { en: '#{id}: version {version}', ko: '#{id}: 버전 {version}' },
});
