/**
 * What the architecture cards say about each model of the zoo. The English is the registry's
 * own description (tests/i18n/models.test.ts keeps them equal); model ids and titles stay as
 * they are.
 */
import { defineMessages } from './catalogue';

const VGG_EN = 'weight layers: stacks of 3×3 convolutions in five blocks, then two 4,096-unit dense layers';
const VGG_KO = '개 가중치 층: 다섯 블록에 쌓은 3×3 합성곱, 이어서 4,096 유닛 완전 연결층 두 개';
const TV_SQUEEZE_EN = " torchvision's layout, the one of its ImageNet weights: ceil-mode pools and a 1×1-convolution classifier.";
const TV_SQUEEZE_KO = ' torchvision의 ImageNet 가중치와 같은 구조: ceil 모드 풀링과 1×1 합성곱 분류기.';
const SQUEEZE10_EN = 'AlexNet-level accuracy with 50× fewer parameters: fire modules squeeze with 1×1 convolutions, then expand with 1×1 and 3×3.';
const SQUEEZE10_KO = '파라미터는 50배 적고 정확도는 AlexNet 수준: fire 모듈이 1×1 합성곱으로 압축한 뒤 1×1과 3×3으로 확장합니다.';
const SQUEEZE11_EN = 'SqueezeNet with a 3×3 stem and earlier pooling: the accuracy of 1.0 with 2.4× less computation.';
const SQUEEZE11_KO = '3×3 시작 층과 더 이른 풀링을 쓴 SqueezeNet: 1.0과 같은 정확도에 연산은 2.4배 적습니다.';
const plain = (d: number) => ({
  en: `The ${d}-layer plain baseline: ResNet-${d}'s basic blocks of two 3×3 convolutions without shortcuts, to show the degradation problem.`,
  ko: `지름길 연결 없는 ${d}층 기준 모델: ResNet-${d}의 기본 블록(3×3 합성곱 두 개)에서 지름길 연결을 빼서 깊어질수록 성능이 떨어지는 문제를 보여 줍니다.`,
});
const basic = (d: number) => ({ en: `${d} layers of basic blocks of two 3×3 convolutions with identity shortcuts and batch-norm.`, ko: `3×3 합성곱 두 개로 된 기본 블록의 ${d}개 층, 항등 지름길 연결과 배치 정규화.` });
const bottleneck = (d: number) => ({ en: `${d} layers of bottleneck blocks (1×1, 3×3, 1×1) with identity shortcuts and batch-norm.`, ko: `병목 블록(1×1, 3×3, 1×1)의 ${d}개 층, 항등 지름길 연결과 배치 정규화.` });
const dense = (blocks: string) => ({
  en: `Four dense blocks (${blocks} layers) in which every layer sees the feature maps of all layers before it; growth rate 32, compression 0.5.`,
  ko: `밀집 블록 네 개(${blocks}개 층): 각 층이 앞선 모든 층의 특성 맵을 입력으로 받습니다. 성장률 32, 압축 0.5.`,
});

export const MODEL_WORDS = defineMessages({
  'model.lenet5': {
    en: 'Two 5×5 convolutions (20 and 50 filters) with max-pooling and a 500-unit hidden layer: the digit recogniser every course starts with.',
    ko: '5×5 합성곱 두 개(필터 20개와 50개)와 최대 풀링, 500 유닛 은닉층: 모든 강의가 처음 다루는 숫자 인식 모델.',
  },
  'model.alexnet': {
    en: 'Five convolutions (11×11 stride 4 first) and two 4,096-unit dense layers with dropout: the 2012 ImageNet winner, single-tower.',
    ko: '합성곱 다섯 개(첫 층은 11×11, 스트라이드 4)와 드롭아웃을 쓴 4,096 유닛 완전 연결층 두 개: 2012년 ImageNet 우승 모델의 단일 타워 판.',
  },
  'model.vgg11': { en: `11 ${VGG_EN}.`, ko: `11${VGG_KO}.` },
  'model.vgg13': { en: `13 ${VGG_EN}.`, ko: `13${VGG_KO}.` },
  'model.vgg16': { en: `16 ${VGG_EN}.`, ko: `16${VGG_KO}.` },
  'model.vgg19': { en: `19 ${VGG_EN}.`, ko: `19${VGG_KO}.` },
  'model.vgg11_bn': { en: `11 ${VGG_EN}, with batch-norm after every convolution.`, ko: `11${VGG_KO}, 합성곱마다 배치 정규화.` },
  'model.vgg13_bn': { en: `13 ${VGG_EN}, with batch-norm after every convolution.`, ko: `13${VGG_KO}, 합성곱마다 배치 정규화.` },
  'model.vgg16_bn': { en: `16 ${VGG_EN}, with batch-norm after every convolution.`, ko: `16${VGG_KO}, 합성곱마다 배치 정규화.` },
  'model.vgg19_bn': { en: `19 ${VGG_EN}, with batch-norm after every convolution.`, ko: `19${VGG_KO}, 합성곱마다 배치 정규화.` },
  'model.googlenet': {
    en: 'Nine inception modules (parallel 1×1, 3×3, 5×5 and pooling branches) with batch-norm; two auxiliary classifiers help training and are dropped for inference.',
    ko: '인셉션 모듈 아홉 개(1×1, 3×3, 5×5 합성곱과 풀링 가지를 나란히)와 배치 정규화. 보조 분류기 두 개가 학습을 돕고 추론 때는 빠집니다.',
  },
  'model.googlenet_tv': {
    en: 'torchvision\'s GoogLeNet, the layout of its ImageNet weights: the inception modules with 3×3 convolutions in the "5×5" branches and ceil-mode pooling.',
    ko: 'torchvision의 GoogLeNet으로, ImageNet 가중치와 같은 구조: "5×5" 가지에 3×3 합성곱을 쓰는 인셉션 모듈과 ceil 모드 풀링.',
  },
  'model.inception_v3': {
    en: 'Inception modules with factorised convolutions (5×5 as two 3×3, 7×7 as 1×7 and 7×1) and efficient grid reduction; batch-norm throughout.',
    ko: '분해한 합성곱(5×5는 3×3 두 개, 7×7은 1×7과 7×1)을 쓰는 인셉션 모듈과 효율적인 격자 축소. 모든 층에 배치 정규화.',
  },
  'model.plain18': plain(18),
  'model.plain34': plain(34),
  'model.resnet18': basic(18),
  'model.resnet34': basic(34),
  'model.resnet50': bottleneck(50),
  'model.resnet101': bottleneck(101),
  'model.resnet152': bottleneck(152),
  'model.densenet121': dense('6, 12, 24, 16'),
  'model.densenet169': dense('6, 12, 32, 32'),
  'model.squeezenet1_0': { en: SQUEEZE10_EN, ko: SQUEEZE10_KO },
  'model.squeezenet1_1': { en: SQUEEZE11_EN, ko: SQUEEZE11_KO },
  'model.squeezenet1_0_tv': { en: SQUEEZE10_EN + TV_SQUEEZE_EN, ko: SQUEEZE10_KO + TV_SQUEEZE_KO },
  'model.squeezenet1_1_tv': { en: SQUEEZE11_EN + TV_SQUEEZE_EN, ko: SQUEEZE11_KO + TV_SQUEEZE_KO },
});
