/**
 * The Evaluation view: the confusion matrix's hues and keys, and the classify tab.
 */
import { defineMessages } from '../../../../shared/i18n/catalogue';

export const EVALUATION = defineMessages({
  'evaluation.cmLabel': {
    en: 'Confusion matrix: rows are true classes, columns are predicted classes; green cells are right, red ones mistakes. Arrow keys move between cells.',
    ko: '혼동 행렬: 행은 실제 클래스, 열은 예측 클래스입니다. 초록 칸은 맞힌 것, 빨간 칸은 틀린 것입니다. 화살표 키로 칸을 옮깁니다.',
  },
  'evaluation.cellHit': { en: '{count} {actual} images predicted as {predicted} (right)', ko: '{actual} 이미지 {count}개를 {predicted}(으)로 예측 (정답)' },
  'evaluation.cellMiss': { en: '{count} {actual} images predicted as {predicted} (mistakes)', ko: '{actual} 이미지 {count}개를 {predicted}(으)로 예측 (오답)' },
  'evaluation.cellEmpty': { en: 'No {actual} image predicted as {predicted}', ko: '{predicted}(으)로 예측한 {actual} 이미지 없음' },
  'evaluation.cmHint': {
    en: 'Green cells are right, red ones are mistakes. Click a cell, or move with the arrow keys and press Enter, to see its images.',
    ko: '초록 칸은 맞힌 것, 빨간 칸은 틀린 것입니다. 칸을 누르거나 화살표 키로 옮겨 엔터 키를 누르면 그 이미지를 봅니다.',
  },
  'evaluation.tabClassify': { en: 'Classify a picture', ko: '새 이미지 분류' },
  'evaluation.withBest': { en: "with this run's best weights", ko: '이 실행의 최고 가중치로' },
});
