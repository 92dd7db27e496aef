/**
 * A training configuration in words (shared/config-text.ts): the phrases of a run's one-line
 * summary, the settings diff and the reports, in both languages.
 */
import { defineMessages } from './catalogue';

export const CONFIG_WORDS = defineMessages({
  'phrase.inputSize': { en: '{size} px', ko: '{size} px' },
  'phrase.width': { en: 'width ×{width}', ko: '너비 ×{width}' },
  'phrase.epochs': { en: { one: '{n} epoch', other: '{n} epochs' }, ko: '{n} 에폭' },
  'phrase.batchSize': { en: 'batch {size}', ko: '배치 {size}' },
  'phrase.lr': { en: 'lr {lr}', ko: '학습률 {lr}' },
  'phrase.momentum': { en: 'momentum {value}', ko: '모멘텀 {value}' },
  'phrase.weightDecay': { en: 'weight decay {value}', ko: '가중치 감쇠 {value}' },
  'phrase.batchNorm': { en: 'batch-norm', ko: '배치 정규화' },
  'phrase.noBatchNorm': { en: 'no batch-norm', ko: '배치 정규화 없음' },
  'phrase.order.post': { en: 'post-activation', ko: '사후 활성화' },
  'phrase.order.pre': { en: 'pre-activation', ko: '사전 활성화' },
  'phrase.dropout': { en: 'dropout {value}', ko: '드롭아웃 {value}' },
  'phrase.warmup': { en: { one: 'warm-up {n} epoch', other: 'warm-up {n} epochs' }, ko: '워밍업 {n} 에폭' },
  'phrase.noWarmup': { en: 'no warm-up', ko: '워밍업 없음' },
  'phrase.labelSmoothing': { en: 'label smoothing {value}', ko: '레이블 스무딩 {value}' },
  'phrase.noAugment': { en: 'no augmentation', ko: '증강 없음' },
  'phrase.earlyStopping': { en: { one: 'early stopping after {n} epoch', other: 'early stopping after {n} epochs' }, ko: '조기 종료 ({n} 에폭)' },
  'phrase.noEarlyStopping': { en: 'no early stopping', ko: '조기 종료 없음' },
  'phrase.monitor': { en: 'monitor {metric}', ko: '모니터 {metric}' },
  'phrase.seed': { en: 'seed {seed}', ko: '시드 {seed}' },
  'phrase.backend': { en: 'backend {backend}', ko: '백엔드 {backend}' },
  'phrase.threads': { en: { one: '{n} thread', other: '{n} threads' }, ko: '스레드 {n}개' },
  'phrase.threadsAuto': { en: 'threads auto', ko: '스레드 자동' },
  'phrase.fromScratch': { en: 'from scratch', ko: '처음부터' },
  'phrase.from': { en: 'from {weights}', ko: '{weights} 가중치에서 시작' },
  'phrase.backboneFrozen': { en: 'backbone frozen', ko: '백본 동결' },
  'phrase.nothingFrozen': { en: 'nothing frozen', ko: '동결 없음' },
  'phrase.unfrozenAfter': { en: { one: 'unfrozen after {n} epoch', other: 'unfrozen after {n} epochs' }, ko: '{n} 에폭 후 동결 해제' },
  'phrase.neverUnfrozen': { en: 'never unfrozen', ko: '동결 해제 안 함' },
  'phrase.backboneLr': { en: 'backbone lr {scale}', ko: '백본 학습률 {scale}' },
  'schedule.cosineMin': { en: 'cosine:{min}', ko: '코사인 (최소 {min})' },
  'schedule.steps': { en: 'step:{rates}@{ratios}', ko: '계단식 {rates} ({ratios})' },
});
