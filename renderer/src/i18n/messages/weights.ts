/**
 * Pretrained weights: the new-run form's "Start from" and fine-tuning settings, the weights
 * panel, a download's progress (the form, the panel, the live view) and the run panel's start.
 */
import { defineMessages } from '../../../../shared/i18n/catalogue';

export const WEIGHTS = defineMessages({
  'weights.start.legend': { en: 'Start from', ko: '시작점' },
  'weights.start.none': { en: 'Scratch', ko: '처음부터' },
  'weights.start.imagenet': { en: 'ImageNet (torchvision)', ko: 'ImageNet (torchvision)' },
  'weights.start.file': { en: 'A weights file…', ko: '가중치 파일…' },
  'weights.noImagenet': { en: 'No ImageNet weights for {arch}: {reason}.', ko: '{arch}에는 ImageNet 가중치가 없습니다: {reason}.' },
  'weights.entry': { en: '{title} · ImageNet top-1 {top1}', ko: '{title} · ImageNet 상위 1 정확도 {top1}' },
  'weights.onDisk': { en: 'On disk ({size})', ko: '디스크에 있음 ({size})' },
  'weights.notYet': { en: 'Not downloaded yet: it downloads when the run starts.', ko: '아직 내려받지 않았습니다. 실행이 시작될 때 내려받습니다.' },
  'weights.notYetPartial': { en: 'Not downloaded yet ({size} already here): the rest downloads when the run starts.', ko: '아직 다 내려받지 않았습니다 ({size} 받음). 나머지는 실행이 시작될 때 내려받습니다.' },
  'weights.downloadNow': { en: 'Download now', ko: '지금 내려받기' },
  'weights.error.title': { en: 'Could not download the weights', ko: '가중치를 내려받을 수 없습니다' },
  'weights.file.label': { en: 'Weights file', ko: '가중치 파일' },
  'weights.file.hint': { en: 'a torchvision state dict (.pth, .safetensors) on the machine running Bloombench', ko: 'Bloombench가 실행 중인 컴퓨터의 torchvision 상태 사전 (.pth, .safetensors)' },
  'weights.file.choose': { en: 'Choose…', ko: '선택…' },
  'weights.freeze.label': { en: 'Freeze', ko: '고정' },
  'weights.freeze.hint': { en: 'the new head always trains', ko: '새 헤드는 항상 학습합니다' },
  'weights.freeze.none': { en: 'nothing (fine-tune every layer)', ko: '없음 (모든 층을 미세 조정)' },
  'weights.freeze.backbone': { en: 'the pretrained backbone', ko: '사전 학습된 백본' },
  'weights.unfreeze.label': { en: 'Unfreeze after (epochs)', ko: '고정 해제 시점 (에폭)' },
  'weights.unfreeze.hint': { en: '0 = keep it frozen', ko: '0 = 계속 고정' },
  'weights.backboneLr.label': { en: 'Backbone learning-rate factor', ko: '백본 학습률 배수' },
  'weights.backboneLr.hint': { en: 'the pretrained layers train at the learning rate × this', ko: '사전 학습된 층은 학습률 × 이 값으로 학습합니다' },
  'weights.fixed': {
    en: "The weights fix the network: width 1, RGB, ReLU after batch-norm, batch-norm {bn}. A new head replaces the 1000-class one; images are normalised with ImageNet's mean and standard deviation.",
    ko: '가중치가 신경망을 정합니다: 너비 1, RGB, 배치 정규화 뒤 ReLU, 배치 정규화 {bn}. 1000개 클래스 헤드는 새 헤드로 바뀌고, 이미지는 ImageNet의 평균과 표준편차로 정규화됩니다.',
  },
  'weights.bn.on': { en: 'on', ko: '켬' },
  'weights.bn.off': { en: 'off', ko: '끔' },

  'weights.panel.title': { en: 'Pretrained weights', ko: '사전 학습 가중치' },
  'weights.panel.summary': { en: "torchvision's ImageNet files · {on} of {total} downloaded", ko: 'torchvision의 ImageNet 파일 · {total}개 중 {on}개 내려받음' },
  'weights.panel.folder': { en: 'Kept in {folder}; each file is downloaded once, checked by its SHA-256, and shared by every run.', ko: '{folder}에 보관됩니다. 파일마다 한 번 내려받아 SHA-256으로 확인하고, 모든 실행이 함께 씁니다.' },
  'weights.col.arch': { en: 'Architecture', ko: '아키텍처' },
  'weights.col.weights': { en: 'Weights', ko: '가중치' },
  'weights.col.top1': { en: 'ImageNet top-1', ko: 'ImageNet 상위 1 정확도' },
  'weights.col.state': { en: 'In the folder', ko: '폴더에' },
  'weights.state.partly': { en: 'partly ({size})', ko: '일부 ({size})' },
  'weights.state.none': { en: 'not downloaded', ko: '내려받지 않음' },
  'weights.download': { en: 'Download', ko: '내려받기' },
  'weights.resume': { en: 'Resume', ko: '이어 받기' },
  'weights.row.error': { en: 'Could not download the weights of {arch}', ko: '{arch}의 가중치를 내려받을 수 없습니다' },
  'weights.list.error': { en: 'Could not list the weights', ko: '가중치 목록을 불러올 수 없습니다' },

  'weights.progress': { en: 'Downloading… {amount}', ko: '내려받는 중… {amount}' },
  'weights.progress.what': { en: 'Downloading {what}… {amount}', ko: '{what} 내려받는 중… {amount}' },
  'weights.progress.of': { en: '{received} of {total} ({percent}%)', ko: '{total} 중 {received} ({percent}%)' },
  'weights.progress.aria': { en: 'Downloading the weights of {arch}: {amount}', ko: '{arch}의 가중치를 내려받는 중: {amount}' },
  'weights.live.what': { en: 'the ImageNet weights of {arch}', ko: '{arch}의 ImageNet 가중치' },
  'weights.runStart': { en: 'Start', ko: '시작' },
});
