/**
 * The New run view: the architecture cards and the settings form around the shared fields.
 */
import { defineMessages } from '../../../../shared/i18n/catalogue';

export const NEW_RUN = defineMessages({
  'newRun.nothing': { en: 'Nothing to train on yet', ko: '아직 학습할 데이터가 없습니다' },
  'newRun.nothingText': { en: 'Import a folder of images, or the sample dataset, first.', ko: '먼저 이미지 폴더나 샘플 데이터셋을 가져오세요.' },
  'newRun.settings': { en: 'Settings', ko: '설정' },
  'newRun.defaults': { en: 'Defaults', ko: '기본값' },
  'newRun.data': { en: 'Data', ko: '데이터' },
  'newRun.model': { en: 'Model', ko: '모델' },
  'newRun.optimizer': { en: 'Optimiser', ko: '옵티마이저' },
  'newRun.training': { en: 'Training', ko: '학습' },
  'newRun.augment': { en: 'Augmentation', ko: '데이터 증강' },
  'newRun.compute': { en: 'Compute', ko: '연산' },
  'newRun.threadsNote': {
    en: 'Each thread trains a copy of the model on its share of every batch; their gradients are averaged. Auto uses every core (up to 4), or one thread for models under 3 M multiply-adds per image, which gain nothing from more.',
    ko: '스레드마다 모델 사본 하나가 배치의 자기 몫을 학습하고, 그래디언트를 평균합니다. 자동은 모든 코어(최대 4개)를 쓰고, 이미지당 곱셈-누산이 300만 회 미만인 모델은 스레드를 늘려도 빨라지지 않아 하나만 씁니다.',
  },
  'newRun.ownThreads': { en: 'The {backend} backend uses its own threads.', ko: '{backend} 백엔드는 자체 스레드를 씁니다.' },
  'newRun.notStarted': { en: 'The run was not started', ko: '실행을 시작하지 못했습니다' },
  'newRun.queuedTitle': { en: 'Queued “{name}” (#{id})', ko: '“{name}” (#{id}) 대기열에 추가됨' },
  'newRun.queuedText': { en: 'It starts when the runs ahead of it finish.', ko: '앞선 실행이 끝나면 시작합니다.' },
  'newRun.openRuns': { en: 'Open Runs', ko: '실행 목록 열기' },
  'newRun.queue': { en: 'Add to queue', ko: '대기열에 추가' },
  'newRun.starting': { en: 'Starting…', ko: '시작하는 중…' },
  'newRun.start': { en: 'Start run', ko: '학습 시작' },
  'newRun.again': { en: '{name} (again)', ko: '{name} (다시)' },

  'arch.title': { en: 'Architecture', ko: '아키텍처' },
  'arch.about': {
    en: "{n} architectures · published parameter counts; “here”: multiply-adds at {size} px, width ×{width}; time per epoch on {backend} from runs measured on this machine where there are any, else from the bench's speed of each network (rough, from the multiply-adds, only on a backend the bench did not measure)",
    ko: '아키텍처 {n}개 · 논문 기준 파라미터 수. “여기”: {size} px, 너비 ×{width}에서의 MAC 수. 에폭당 시간은 이 컴퓨터에서 {backend} 백엔드로 잰 실행이 있으면 그 값, 없으면 벤치마크가 잰 신경망별 속도로 환산한 값 (벤치마크가 재지 않은 백엔드에서만 MAC 수로 계산한 대략적인 값)',
  },
  'arch.loadError': { en: 'Could not load the model zoo', ko: '모델 목록을 불러올 수 없습니다' },
  'arch.loading': { en: 'Loading architectures…', ko: '아키텍처를 불러오는 중…' },
  'arch.group': { en: 'Architectures', ko: '아키텍처' },
  'arch.paramsTitle': { en: 'Trainable parameters of the published configuration ({reference})', ko: '논문 구성의 학습 가능한 파라미터 ({reference})' },
  'arch.params': { en: 'params', ko: '파라미터' },
  'arch.macsTitle': { en: 'Multiply-adds per image at {size}', ko: '{size} 이미지 한 장당 곱셈-누산' },
  'arch.here': { en: 'here', ko: '여기' },
  'newRun.trainingNow': { en: '“{name}” (#{id}) is training now', ko: '“{name}” (#{id}) 학습 중' },
  'newRun.watch': { en: 'Watch it', ko: '지켜보기' },
});
