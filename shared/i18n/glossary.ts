/**
 * The Korean glossary the translation follows: how Korean deep-learning courses and textbooks
 * (the Keras and PyTorch Korean documentation, 『밑바닥부터 시작하는 딥러닝』, 『혼자 공부하는
 * 머신러닝+딥러닝』, university course notes) write each term.
 *
 * tests/shared/i18n.test.ts holds every catalogue to it: a message whose English uses a term
 * (`match`) says it in Korean with `ko`, and no Korean message uses a spelling in `avoid`.
 * Model and setting identifiers (resnet18, relu, adam, val_accuracy) stay as they are.
 */

/** One term: the English, the Korean, and where the English catalogue uses it. */
export interface GlossaryTerm {
  readonly en: string;
  readonly ko: string;
  /** Where English text uses the term; absent: the glossary names it but the test does not check it (a word with several senses). */
  readonly match?: RegExp;
  /** Korean spellings not to use for it. */
  readonly avoid?: readonly string[];
  readonly note?: string;
}

export const GLOSSARY: readonly GlossaryTerm[] = [
  { en: 'learning rate', ko: '학습률', match: /\blearning[- ]rates?\b/i, avoid: ['러닝 레이트', '학습 속도'] },
  { en: 'accuracy', ko: '정확도', match: /\baccurac(y|ies)\b/i, avoid: ['어큐러시', '정확성'] },
  { en: 'loss', ko: '손실', match: /\bloss(es)?\b/i, avoid: ['로스'] },
  { en: 'epoch', ko: '에폭', match: /\bepochs?\b/i, avoid: ['에포크', '에퐄', '세대'] },
  { en: 'batch size', ko: '배치 크기', match: /\bbatch sizes?\b/i, avoid: ['배치 사이즈', '배치사이즈'] },
  { en: 'batch', ko: '배치', note: 'a mini-batch; "batch-norm" is 배치 정규화' },
  { en: 'validation', ko: '검증', match: /\bvalidation\b|\bval\b/i, avoid: ['밸리데이션', '확인 세트'] },
  { en: 'training (to train)', ko: '학습', note: '훈련 is avoided so that one word is used throughout', avoid: ['훈련'] },
  { en: 'test', ko: '테스트', note: 'the test split: 테스트 세트' },
  { en: 'confusion matrix', ko: '혼동 행렬', match: /\bconfusion matri(x|ces)\b/i, avoid: ['컨퓨전 매트릭스', '오차 행렬', '혼돈 행렬'] },
  { en: 'data augmentation', ko: '증강', match: /\baugment(ation|ations|ed)?\b/i, note: '데이터 증강 in full', avoid: ['어그멘테이션'] },
  { en: 'precision', ko: '정밀도', match: /\bprecision\b/i, avoid: ['프리시전'] },
  { en: 'recall', ko: '재현율', match: /\brecall\b/i, avoid: ['리콜'] },
  { en: 'F1 score', ko: 'F1', match: /\bF1\b/, note: 'F1 점수' },
  { en: 'overfitting', ko: '과적합', match: /\boverfitting\b|\bmemoris/i, avoid: ['오버피팅', '과대적합'] },
  { en: 'activation function', ko: '활성화 함수', match: /\bactivation\b/i, avoid: ['액티베이션'] },
  { en: 'convolution', ko: '합성곱', match: /\bconvolution(s|al)?\b/i, avoid: ['컨볼루션', '콘볼루션'] },
  { en: 'pooling', ko: '풀링', match: /\bpooling\b/i },
  { en: 'weight decay', ko: '가중치 감쇠', match: /\bweight decay\b/i, avoid: ['웨이트 디케이'] },
  { en: 'early stopping', ko: '조기 종료', match: /\bearly stopping\b/i, avoid: ['얼리 스토핑', '조기 중단'] },
  { en: 'dropout', ko: '드롭아웃', match: /\bdropout\b/i },
  { en: 'batch normalisation (batch-norm)', ko: '배치 정규화', match: /\bbatch[- ]norm(alisation|alization)?\b/i, avoid: ['배치 노멀라이제이션', '배치놈'] },
  { en: 'optimizer', ko: '옵티마이저', match: /\boptimi[sz]er\b/i, avoid: ['최적화기'] },
  { en: 'momentum', ko: '모멘텀', match: /\bmomentum\b/i },
  { en: 'warm-up', ko: '워밍업', match: /\bwarm-?up\b/i },
  { en: 'label smoothing', ko: '레이블 스무딩', match: /\blabel smoothing\b/i },
  { en: 'label', ko: '레이블', note: 'a class label', avoid: ['라벨'] },
  { en: 'class', ko: '클래스', match: /\bclass(es)?\b/i },
  { en: 'dataset', ko: '데이터셋', match: /\bdatasets?\b/i, avoid: ['데이터 세트'] },
  { en: 'fine-tuning', ko: '미세 조정', match: /\bfine-tun(e|ing|ed)\b/i, avoid: ['파인튜닝', '파인 튜닝'] },
  { en: 'pretrained', ko: '사전 학습', match: /\bpre-?trained\b/i, avoid: ['프리트레인'] },
  { en: 'weights', ko: '가중치', note: "a model's parameters as saved" },
  { en: 'parameters', ko: '파라미터', match: /\bparam(eter)?s\b/i, note: 'learnable parameters; 매개변수 in some textbooks' },
  { en: 'checkpoint', ko: '체크포인트', match: /\bcheckpoints?\b/i },
  { en: 'misclassified', ko: '오분류', match: /\bmisclassifie[ds]\b/i },
  { en: 'inference', ko: '추론', match: /\binference\b/i },
  { en: 'schedule (learning-rate)', ko: '스케줄', match: /\bschedules?\b/i, avoid: ['스케쥴'] },
  { en: 'seed', ko: '시드', match: /\bseeds?\b/i },
  { en: 'architecture', ko: '아키텍처', match: /\barchitectures?\b/i, avoid: ['아키텍쳐'] },
  { en: 'backend', ko: '백엔드', match: /\bbackends?\b/i },
  { en: 'run (a training run)', ko: '실행', note: 'a training run and its record; "run" as a verb is translated by sense' },
  { en: 'study (a grid of runs)', ko: '실험', note: 'a grid of runs over settings, a sweep' },
  { en: 'throughput (images/second)', ko: '초당 이미지' },
];
