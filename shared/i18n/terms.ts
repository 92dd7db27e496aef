/**
 * The words every screen, report and message shares: settings, metrics, run statuses, splits
 * and the options of each setting. Identifiers (resnet18, relu, adam) are not translated; these
 * are what the UI calls them. Korean follows glossary.ts.
 */
import { defineMessages } from './catalogue';

export const TERMS = defineMessages({
  'setting.arch': { en: 'architecture', ko: '아키텍처' },
  'setting.epochs': { en: 'epochs', ko: '에폭' },
  'setting.batchSize': { en: 'batch size', ko: '배치 크기' },
  'setting.inputSize': { en: 'input size', ko: '입력 크기' },
  'setting.channels': { en: 'channels', ko: '채널' },
  'setting.width': { en: 'width', ko: '너비 배율' },
  'setting.activation': { en: 'activation', ko: '활성화 함수' },
  'setting.batchNorm': { en: 'batch-norm', ko: '배치 정규화' },
  'setting.dropout': { en: 'dropout', ko: '드롭아웃' },
  'setting.order': { en: 'layer order', ko: '층 순서' },
  'setting.optimizer': { en: 'optimizer', ko: '옵티마이저' },
  'setting.lr': { en: 'learning rate', ko: '학습률' },
  'setting.momentum': { en: 'momentum', ko: '모멘텀' },
  'setting.weightDecay': { en: 'weight decay', ko: '가중치 감쇠' },
  'setting.schedule': { en: 'schedule', ko: '학습률 스케줄' },
  'setting.warmupEpochs': { en: 'warm-up', ko: '워밍업' },
  'setting.labelSmoothing': { en: 'label smoothing', ko: '레이블 스무딩' },
  'setting.augment': { en: 'augmentation', ko: '데이터 증강' },
  'setting.earlyStopping': { en: 'early stopping', ko: '조기 종료' },
  'setting.monitor': { en: 'monitor', ko: '모니터 지표' },
  'setting.seed': { en: 'seed', ko: '시드' },
  'setting.backend': { en: 'backend', ko: '백엔드' },
  'setting.threads': { en: 'threads', ko: '스레드' },
  'setting.pretrained': { en: 'start', ko: '시작 가중치' },
  'setting.freeze': { en: 'freeze', ko: '동결' },
  'setting.unfreezeAfter': { en: 'unfreeze after', ko: '동결 해제 시점' },
  'setting.backboneLrScale': { en: 'backbone lr', ko: '백본 학습률' },

  'metric.test_accuracy': { en: 'test accuracy', ko: '테스트 정확도' },
  'metric.best_val_accuracy': { en: 'best validation accuracy', ko: '최고 검증 정확도' },
  'metric.val_loss': { en: 'validation loss (kept epoch)', ko: '검증 손실 (유지한 에폭)' },
  'metric.train_loss': { en: 'final train loss (kept epoch)', ko: '최종 학습 손실 (유지한 에폭)' },
  'metric.test_loss': { en: 'test loss', ko: '테스트 손실' },
  'metric.time': { en: 'training time', ko: '학습 시간' },
  'metric.images_per_second': { en: 'images/second', ko: '초당 이미지' },

  'status.queued': { en: 'queued', ko: '대기 중' },
  'status.running': { en: 'running', ko: '학습 중' },
  'status.completed': { en: 'completed', ko: '완료' },
  'status.failed': { en: 'failed', ko: '실패' },
  'status.cancelled': { en: 'cancelled', ko: '취소됨' },
  'status.interrupted': { en: 'interrupted', ko: '중단됨' },

  'split.train': { en: 'train', ko: '학습' },
  'split.val': { en: 'validation', ko: '검증' },
  'split.test': { en: 'test', ko: '테스트' },

  'value.on': { en: 'on', ko: '사용' },
  'value.off': { en: 'off', ko: '사용 안 함' },
  'value.none': { en: 'none', ko: '없음' },
  'value.never': { en: 'never', ko: '안 함' },
  'value.scratch': { en: 'scratch', ko: '처음부터' },
  'value.auto': { en: 'auto', ko: '자동' },
  'value.grayscale': { en: 'grayscale', ko: '흑백' },

  'order.post': { en: 'post', ko: '후' },
  'order.pre': { en: 'pre', ko: '전' },
  'freeze.none': { en: 'nothing', ko: '없음' },
  'freeze.backbone': { en: 'backbone', ko: '백본' },
  'monitor.val_accuracy': { en: 'validation accuracy', ko: '검증 정확도' },
  'monitor.val_loss': { en: 'validation loss', ko: '검증 손실' },

  'optimizer.sgd': { en: 'SGD', ko: 'SGD' },
  'optimizer.momentum': { en: 'SGD + momentum', ko: 'SGD + 모멘텀' },
  'optimizer.nesterov': { en: 'SGD + Nesterov', ko: 'SGD + 네스테로프' },
  'optimizer.adam': { en: 'Adam', ko: 'Adam' },
  'optimizer.adamw': { en: 'AdamW', ko: 'AdamW' },
  'optimizer.rmsprop': { en: 'RMSprop', ko: 'RMSprop' },

  'augment.flip': { en: 'Horizontal flip', ko: '좌우 뒤집기' },
  'augment.resized-crop': { en: 'Random-resized crop', ko: '무작위 크기 자르기' },
  'augment.pad-crop': { en: 'Pad-and-crop', ko: '패딩 후 무작위 자르기' },
  'augment.rotate': { en: 'Rotation', ko: '회전' },
  'augment.color': { en: 'Colour jitter', ko: '색상 변화' },
  'augment.blur': { en: 'Blur', ko: '흐림' },
  'augment.cutout': { en: 'Cutout', ko: '컷아웃' },
  // What each augmentation does (shared/config.ts AUGMENTATION_INFO is the English; a test keeps them equal).
  'augmentInfo.flip': { en: 'mirror left–right, half of the images', ko: '이미지의 절반을 좌우로 뒤집기' },
  'augmentInfo.resized-crop': {
    en: 'random-resized crop: a random 50–100% of the area (aspect 3:4 to 4:3) resized back to the input size',
    ko: '무작위 크기 자르기: 면적의 50–100%(가로세로 비 3:4–4:3)를 무작위로 잘라 입력 크기로 다시 키우기',
  },
  'augmentInfo.pad-crop': {
    en: 'pad-and-crop: pad 4 black pixels on each side, then take a random crop of the input size (the CIFAR-10 ResNet recipe)',
    ko: '패딩 후 자르기: 사방에 검은 픽셀 4개를 덧대고 입력 크기만큼 무작위로 잘라 내기(CIFAR-10 ResNet 방식)',
  },
  'augmentInfo.rotate': { en: 'rotate by up to ±15°', ko: '최대 ±15° 회전' },
  'augmentInfo.color': { en: 'brightness, contrast, saturation and hue jitter', ko: '밝기, 대비, 채도, 색조를 무작위로 바꾸기' },
  'augmentInfo.blur': { en: '3×3 Gaussian blur, half of the images', ko: '이미지의 절반에 3×3 가우시안 흐림' },
  'augmentInfo.cutout': { en: 'one grey square of a quarter of the side', ko: '한 변의 4분의 1 크기인 회색 정사각형 하나로 가리기' },

  'schedule.constant': { en: 'constant', ko: '고정' },
  'schedule.cosine': { en: 'cosine', ko: '코사인' },
  'schedule.step': { en: 'step', ko: '계단식' },
});
