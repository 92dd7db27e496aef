/**
 * Calibration (the evaluation view and the comparison), the statistics of the comparison and the
 * study grid (McNemar's test, 95% intervals over seeds, the verdict, main effects), and the
 * label suspects of the dataset view.
 */
import { defineMessages } from '../../../../shared/i18n/catalogue';

export const ANALYSIS = defineMessages({
  'calibration.title': { en: 'Calibration', ko: '보정' },
  'calibration.subtitle': { en: 'reliability diagram over {bins} confidence bins, {images} test images', ko: '신뢰도 구간 {bins}개의 신뢰도 도표, 테스트 이미지 {images}장' },
  'calibration.diagram': { en: 'Reliability diagram: accuracy against confidence per bin', ko: '신뢰도 도표: 구간별 신뢰도에 대한 정확도' },
  'calibration.binTip': {
    en: { one: '{lo}–{hi}%: {n} image, accuracy {accuracy}, mean confidence {confidence}', other: '{lo}–{hi}%: {n} images, accuracy {accuracy}, mean confidence {confidence}' },
    ko: '{lo}–{hi}%: 이미지 {n}장, 정확도 {accuracy}, 평균 신뢰도 {confidence}',
  },
  'calibration.confidence': { en: 'confidence', ko: '신뢰도' },
  'calibration.accuracy': { en: 'accuracy', ko: '정확도' },
  'calibration.ece': { en: 'ECE', ko: 'ECE' },
  'calibration.mce': { en: 'MCE', ko: 'MCE' },
  'calibration.topK': { en: 'Top-{k}', ko: '상위 {k}' },
  'calibration.even': { en: 'Its confidence matches its accuracy.', ko: '신뢰도가 정확도와 맞습니다.' },
  'calibration.over': { en: 'Over-confident by {points} points.', ko: '{points}퍼센트포인트만큼 과신합니다.' },
  'calibration.under': { en: 'Under-confident by {points} points.', ko: '{points}퍼센트포인트만큼 덜 확신합니다.' },
  'calibration.explain': {
    en: 'Each bar is the accuracy of the test images whose top probability falls in that bin; red above a bar is over-confidence, green under-confidence, the dashed diagonal perfect calibration. ECE: the gaps averaged by the images in each bin (Guo et al., 2017). Top-k: the true class among the k most probable.',
    ko: '막대는 가장 높은 확률이 그 구간에 드는 테스트 이미지의 정확도입니다. 막대 위의 빨간색은 과신, 초록색은 덜 확신한 만큼이고 점선 대각선이 완벽한 보정입니다. ECE: 구간마다 이미지 수로 가중 평균한 차이(Guo 외, 2017). 상위 k: 정답 클래스가 확률 상위 k개 안에 드는 비율.',
  },

  'stats.statsError': { en: 'Could not compare the runs', ko: '실행을 비교할 수 없습니다' },
  'stats.calibrationNote': { en: 'on each run’s test images', ko: '각 실행의 테스트 이미지 기준' },
  'stats.run': { en: 'Run', ko: '실행' },
  'stats.topK': { en: 'Top-k', ko: '상위 k' },
  'stats.lean': { en: 'Confidence', ko: '신뢰도' },
  'stats.pairedTitle': { en: 'Is the difference real?', ko: '차이가 진짜인가요?' },
  'stats.pairedNote': { en: 'McNemar’s exact test on the same test images', ko: '같은 테스트 이미지에 대한 McNemar 정확 검정' },
  'stats.pair': { en: 'Runs A vs B', ko: '실행 A 대 B' },
  'stats.images': { en: 'Images', ko: '이미지' },
  'stats.bothRight': { en: 'Both right', ko: '둘 다 맞춤' },
  'stats.onlyA': { en: 'Only A right', ko: 'A만 맞춤' },
  'stats.onlyB': { en: 'Only B right', ko: 'B만 맞춤' },
  'stats.bothWrong': { en: 'Both wrong', ko: '둘 다 틀림' },
  'stats.beyondChance': { en: 'beyond chance', ko: '우연 이상' },
  'stats.withinChance': { en: 'within chance', ko: '우연 범위' },
  'stats.pairedExplain': {
    en: 'Only the images one run gets right and the other wrong tell them apart. If both runs were equally good, those would split like fair coin flips; p is the chance of a split at least this uneven. Below 0.05: beyond chance.',
    ko: '한 실행만 맞히고 다른 실행은 틀린 이미지만이 둘을 구별합니다. 두 실행이 똑같이 좋다면 그 이미지들은 공정한 동전 던지기처럼 나뉩니다. p는 이만큼 이상 치우친 분할이 나올 확률이며, 0.05 미만이면 우연 이상입니다.',
  },
  'stats.seedsTitle': { en: 'Over seeds', ko: '시드에 걸쳐' },
  'stats.sameSettings': { en: 'same settings', ko: '같은 설정' },
  'stats.untested': {
    en: { one: 'Run {runs} has no test predictions yet: left out of the paired tests.', other: 'Runs {runs} have no test predictions yet: left out of the paired tests.' },
    ko: '실행 {runs}은(는) 아직 테스트 예측이 없어 짝지은 검정에서 빠졌습니다.',
  },
  'stats.apart': { en: 'Runs on different datasets are not tested image by image ({pairs}).', ko: '서로 다른 데이터셋의 실행은 이미지별로 검정하지 않습니다 ({pairs}).' },
  'stats.seedsNote': { en: 'runs that differ only by their seed: test accuracy, mean and 95% confidence interval (Student’s t)', ko: '시드만 다른 실행: 테스트 정확도의 평균과 95% 신뢰구간(스튜던트 t)' },
  'stats.settings': { en: 'Settings', ko: '설정' },
  'stats.runs': { en: 'Runs', ko: '실행' },
  'stats.std': { en: '± std', ko: '± 표준편차' },
  'stats.mean': { en: 'Mean', ko: '평균' },
  'stats.ci': { en: '95% CI', ko: '95% 신뢰구간' },
  'stats.groupWinner': {
    en: { one: '★ {best} beats {second} beyond chance (Welch’s t-test p = {p}, {n} seed).', other: '★ {best} beats {second} beyond chance (Welch’s t-test p = {p}, {n} seeds).' },
    ko: '★ 최고 그룹 {best}: {second}보다 우연 이상으로 낫습니다 (웰치 t-검정 p = {p}, 시드 {n}개).',
  },

  'verdict.winner': {
    en: { one: '★ {best} beats the runner-up {second} beyond chance: Welch’s t-test p = {p} over {n} seed.', other: '★ {best} beats the runner-up {second} beyond chance: Welch’s t-test p = {p} over {n} seeds.' },
    ko: '★ 최고 칸 {best}: 2위 {second}보다 우연 이상으로 낫습니다 (시드 {n}개에 대한 웰치 t-검정 p = {p}).',
  },
  'verdict.fewSeeds': {
    en: {
      one: 'No clear winner with {n} seed: {best} has the best mean, but a cell needs two seeds or more to be told apart from {second}.',
      other: 'No clear winner with {n} seeds: {best} has the best mean, but a cell needs two seeds or more to be told apart from {second}.',
    },
    ko: '시드 {n}개로는 확실한 승자가 없습니다. 평균이 가장 높은 칸: {best}, 다음 칸: {second}. 둘을 구별하려면 칸마다 시드가 두 개 이상 있어야 합니다.',
  },
  'verdict.chance': {
    en: {
      one: 'No clear winner with {n} seed: the best mean, {best}, is within chance of {second} (Welch’s t-test p = {p}).',
      other: 'No clear winner with {n} seeds: the best mean, {best}, is within chance of {second} (Welch’s t-test p = {p}).',
    },
    ko: '시드 {n}개로는 확실한 승자가 없습니다. 평균이 가장 높은 칸: {best}, 다음 칸: {second}. 둘의 차이는 우연 범위 안입니다 (웰치 t-검정 p = {p}).',
  },
  'verdict.allRuns': { en: 'all runs', ko: '모든 실행' },
  'verdict.ci': { en: '95% CI {range}', ko: '95% 신뢰구간 {range}' },
  'verdict.starNote': { en: '★ only when the best cell beats the runner-up beyond chance', ko: '★는 가장 좋은 칸이 2위보다 우연 이상으로 나을 때만' },

  'effects.title': { en: 'Main effects', ko: '주효과' },
  'effects.note': { en: '{metric} of each value, averaged over the other axes (every cell counted once)', ko: '각 값의 {metric}, 다른 축에 걸쳐 평균(칸마다 한 번씩)' },
  'effects.mean': { en: 'Mean', ko: '평균' },
  'effects.range': { en: 'Range over cells', ko: '칸 사이 범위' },
  'effects.cells': { en: 'Cells', ko: '칸' },

  'suspects.title': { en: 'Review suspects', ko: '의심 레이블 검토' },
  'suspects.refresh': { en: 'Rank again', ko: '다시 순위 매기기' },
  'suspects.error': { en: 'Could not rank the label suspects', ko: '의심 레이블의 순위를 매길 수 없습니다' },
  'suspects.noRuns': {
    en: 'No finished run on this dataset yet. Label suspects come from the runs’ predictions on the test images: train a run first (two or more make the ranking steadier).',
    ko: '이 데이터셋에는 아직 끝난 실행이 없습니다. 의심 레이블은 테스트 이미지에 대한 실행의 예측에서 나옵니다. 먼저 실행을 학습하세요(두 개 이상이면 순위가 더 안정적입니다).',
  },
  'suspects.summary': {
    en: '{total} of {images} test images have a label the runs ({runs}) confidently contradict; confident learning estimates {errors} label errors among them.',
    ko: '테스트 이미지 {images}장 중 {total}장의 레이블을 실행({runs})이 확신을 갖고 반박합니다. 신뢰 학습은 그중 레이블 오류를 {errors}개로 추정합니다.',
  },
  'suspects.oneRun': { en: ' One run only: a second one makes the ranking steadier.', ko: ' 실행이 하나뿐입니다. 하나 더 있으면 순위가 더 안정적입니다.' },
  'suspects.empty': { en: 'No image stands out: every confident answer agrees with its label.', ko: '눈에 띄는 이미지가 없습니다. 확신 있는 예측이 모두 레이블과 일치합니다.' },
  'suspects.conflicts': {
    en: { one: '{n} picture is filed under two labels or more (identical files): one of its labels is wrong.', other: '{n} pictures are filed under two labels or more (identical files): one of each one’s labels is wrong.' },
    ko: '같은 사진 {n}장이 레이블 두 개 이상으로 들어 있습니다(동일한 파일). 그중 하나의 레이블은 틀렸습니다.',
  },
  'suspects.conflictView': { en: 'The runs (on the test copy): {view}', ko: '실행의 판단(테스트 사본): {view}' },
  'suspects.split.train': { en: 'training split', ko: '학습 세트' },
  'suspects.split.val': { en: 'validation split', ko: '검증 세트' },
  'suspects.split.test': { en: 'test split', ko: '테스트 세트' },
  'suspects.labelled': { en: 'labelled {cls}', ko: '레이블 {cls}' },
  'suspects.looksLike': { en: 'looks like {cls}', ko: '{cls}처럼 보임' },
  'suspects.agreeing': { en: '{agree} of {runs} runs agree', ko: '실행 {runs}개 중 {agree}개 동의' },
  'suspects.more': { en: 'Show more ({n} left)', ko: '더 보기({n}개 남음)' },
  'suspects.explain': {
    en: 'Confident learning (Northcutt, Jiang & Chuang, 2021): the runs’ test probabilities are averaged; each class’s threshold is the mean probability its own images get; an image is a suspect when another class reaches its threshold and beats every class that does. Lowest probability of the label first. Only test images are ranked: no run trained on them.',
    ko: '신뢰 학습(Northcutt, Jiang & Chuang, 2021): 실행들의 테스트 확률을 평균하고, 각 클래스의 문턱값은 그 클래스 이미지가 받는 평균 확률입니다. 다른 클래스가 문턱값에 닿고 닿은 클래스 중 가장 높으면 의심 이미지입니다. 레이블의 확률이 낮은 것부터 보여 줍니다. 어떤 실행도 학습하지 않은 테스트 이미지만 순위를 매깁니다.',
  },
});
