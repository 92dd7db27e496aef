/**
 * The Live run view: the charts' headline numbers, what a run does before its first batch, and
 * the run it left for the next in the queue; the desktop notification of a run's end.
 */
import { defineMessages } from '../../../../shared/i18n/catalogue';

export const LIVE = defineMessages({
  'live.headTrain': { en: 'train {value}', ko: '학습 {value}' },
  'live.headVal': { en: 'val {value}', ko: '검증 {value}' },
  'live.headSmoothed': { en: 'train: smoothed over the latest batches', ko: '학습: 최근 배치의 평활값' },
  'live.headEpoch': { en: 'train: epoch {epoch}', ko: '학습: 에폭 {epoch}' },
  'live.headValEpoch': { en: 'validation: epoch {epoch}', ko: '검증: 에폭 {epoch}' },
  'live.preparingCache': { en: 'Preparing the {size}px cache: {done} / {total} images', ko: '{size}px 캐시 준비 중: 이미지 {done} / {total}개' },
  'live.cacheBar': { en: 'Cache images prepared', ko: '캐시에 준비된 이미지' },
  'live.cacheReady': { en: 'Cache ready; starting the training worker…', ko: '캐시 준비 완료, 학습 워커를 시작하는 중…' },
  'live.modelBuilt': { en: 'Model built; the first batch is under way…', ko: '모델 생성 완료, 첫 배치를 학습하는 중…' },
  'live.startingWorker': { en: 'Starting the training worker…', ko: '학습 워커를 시작하는 중…' },
  'live.curvesSoon': { en: 'The curves start with the first batch.', ko: '곡선은 첫 배치부터 그려집니다.' },
  'live.noBatches': { en: 'No batches recorded.', ko: '기록된 배치가 없습니다.' },
  'live.ended.completed': { en: '“{name}” (#{id}) finished', ko: '“{name}” (#{id}) 완료' },
  'live.ended.completedTested': { en: '“{name}” (#{id}) finished: test accuracy {accuracy}', ko: '“{name}” (#{id}) 완료: 테스트 정확도 {accuracy}' },
  'live.ended.failed': { en: '“{name}” (#{id}) failed', ko: '“{name}” (#{id}) 실패' },
  'live.ended.cancelled': { en: '“{name}” (#{id}) was cancelled', ko: '“{name}” (#{id}) 취소됨' },
  'live.ended.interrupted': { en: '“{name}” (#{id}) was interrupted', ko: '“{name}” (#{id}) 중단됨' },
  'live.nextInQueue': { en: 'Now showing the next run in the queue.', ko: '대기열의 다음 실행을 보여 줍니다.' },
  'live.backTo': { en: 'Back to #{id}', ko: '#{id}(으)로 돌아가기' },
  'live.evaluationOf': { en: 'Evaluation of #{id}', ko: '#{id} 평가' },

  'notice.finished': { en: 'Run #{id} finished', ko: '실행 #{id} 완료' },
  'notice.tested': { en: '{name} · test accuracy {accuracy}', ko: '{name} · 테스트 정확도 {accuracy}' },
  'notice.failed': { en: 'Run #{id} failed', ko: '실행 #{id} 실패' },
  'notice.interrupted': { en: 'Run #{id} was interrupted', ko: '실행 #{id} 중단됨' },
  'notice.resume': { en: '{name}: resume it from Runs.', ko: '{name}: 실행 목록에서 이어서 학습하세요.' },
});
