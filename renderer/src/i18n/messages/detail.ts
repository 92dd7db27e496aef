/**
 * The image detail view ("look closer"): one picture of a gallery at full size with its path,
 * its class, every class's probability, every run's answer, and Grad-CAM.
 */
import { defineMessages } from '../../../../shared/i18n/catalogue';

export const DETAIL = defineMessages({
  'detail.title': { en: 'Image {n} of {total}', ko: '이미지 {n}/{total}' },
  'detail.open': { en: 'Look closer at {file}', ko: '{file} 자세히 보기' },
  'detail.prev': { en: 'Previous image (←)', ko: '이전 이미지 (←)' },
  'detail.next': { en: 'Next image (→)', ko: '다음 이미지 (→)' },
  'detail.keys': { en: '← → move through the gallery · Esc closes', ko: '← → 갤러리에서 이동 · Esc 닫기' },
  'detail.path': { en: 'Path', ko: '경로' },
  'detail.trueClass': { en: 'True class', ko: '실제 클래스' },
  'detail.predicted': { en: 'Predicted', ko: '예측' },
  'detail.probabilities': { en: "Every class's probability", ko: '클래스별 확률' },
  'detail.answers': { en: "Every run's prediction", ko: '실행별 예측' },
  'detail.answer.right': { en: 'right', ko: '맞음' },
  'detail.answer.trueProbability': { en: 'true class {p}', ko: '실제 클래스 {p}' },
  'detail.gradcam.toggle': { en: 'Grad-CAM', ko: 'Grad-CAM' },
  'detail.gradcam.hint': { en: 'Where in the picture the evidence for a class lies, from the run’s kept weights', ko: '실행에 보관된 가중치로 본, 클래스의 근거가 사진의 어디에 있는지' },
  'detail.gradcam.class': { en: 'Explain class', ko: '설명할 클래스' },
  'detail.gradcam.run': { en: 'With run', ko: '사용할 실행' },
  'detail.gradcam.computing': { en: 'Computing Grad-CAM…', ko: 'Grad-CAM 계산 중…' },
  'detail.gradcam.layer': { en: 'Layer {layer} ({w}×{h} map) · {cls} {p}', ko: '층 {layer} ({w}×{h} 맵) · {cls} {p}' },
  'detail.gradcam.failed': { en: 'Could not compute Grad-CAM', ko: 'Grad-CAM을 계산할 수 없습니다' },
  'detail.gradcam.fetch': { en: 'Could not read image {id} ({status})', ko: '이미지 {id}을(를) 읽을 수 없습니다 ({status})' },
});
