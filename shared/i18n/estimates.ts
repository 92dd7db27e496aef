/**
 * Time estimates in words: what an estimate rests on (main/core/estimates.ts sends these by
 * reference, with the English filled in beside), and how the views say an estimate.
 */
import { defineMessages } from './catalogue';

export const ESTIMATE_WORDS = defineMessages({
  'estimateBasis.measured': {
    en: { one: 'median of {n} run of {arch} at {size} px, width ×{width} on {backend} trained here', other: 'median of {n} runs of {arch} at {size} px, width ×{width} on {backend} trained here' },
    ko: '이 컴퓨터에서 {backend} 백엔드로 학습한 {arch} 실행 {n}개의 중앙값 ({size} px, 너비 ×{width})',
  },
  'estimateBasis.scaled': {
    en: {
      one: '{n} run of {arch} on {backend} trained here (the latest at {fromSize} px, width ×{fromWidth}), scaled by the multiply-adds to {size} px, width ×{width}',
      other: '{n} runs of {arch} on {backend} trained here (the latest at {fromSize} px, width ×{fromWidth}), scaled by the multiply-adds to {size} px, width ×{width}',
    },
    ko: '이 컴퓨터에서 {backend} 백엔드로 학습한 {arch} 실행 {n}개(최근 것은 {fromSize} px, 너비 ×{fromWidth})를 MAC 수에 비례해 {size} px, 너비 ×{width}(으)로 환산',
  },
  'estimateBasis.bench': {
    en: "{arch}'s training speed that the bench measured on a {cpus}-core {cpu} (wasm), at {size} px, width ×{width}; no run on {backend} here yet says how fast this machine is",
    ko: '벤치마크가 {cpus}코어 {cpu}(wasm)에서 잰 {arch} 학습의 처리 속도를 {size} px, 너비 ×{width}(으)로 환산 (이 컴퓨터의 {backend} 속도를 알려 줄 실행이 아직 없음)',
  },
  'estimateBasis.benchHere': {
    en: {
      one: "{arch}'s training speed that the bench measured on a {cpus}-core {cpu}, at {size} px, width ×{width}, times this machine's speed on {backend} against the bench's over {n} run of another network",
      other: "{arch}'s training speed that the bench measured on a {cpus}-core {cpu}, at {size} px, width ×{width}, times this machine's speed on {backend} against the bench's over {n} runs of other networks",
    },
    ko: '벤치마크가 {cpus}코어 {cpu}에서 잰 {arch} 학습의 처리 속도를 {size} px, 너비 ×{width}(으)로 환산하고, 다른 신경망 실행 {n}개에서 잰 이 컴퓨터의 {backend} 속도와 벤치마크 속도의 비를 곱함',
  },
  'estimateBasis.modelMeasured': {
    en: {
      one: "multiply-adds of {arch} at {size} px, width ×{width}, at {speed} G multiply-adds/s: this machine's speed on {backend} over {n} run of a network of like size (none of {arch} yet)",
      other: "multiply-adds of {arch} at {size} px, width ×{width}, at {speed} G multiply-adds/s: this machine's speed on {backend} over {n} runs of networks of like size (none of {arch} yet)",
    },
    ko: '{size} px, 너비 ×{width}인 {arch}의 MAC 수를 초당 MAC {speed}G로 계산: 비슷한 크기의 다른 신경망 실행 {n}개에서 잰 이 컴퓨터의 {backend} 백엔드 속도 (아직 {arch} 실행 없음)',
  },
  'estimateBasis.modelTypical': {
    en: 'multiply-adds of {arch} at {size} px, width ×{width}, at {speed} G multiply-adds/s, a typical speed of {backend} (no run on it measured here yet)',
    ko: '{size} px, 너비 ×{width}인 {arch}의 MAC 수를 {backend} 백엔드의 보통 속도인 초당 MAC {speed}G로 계산 (이 컴퓨터에서 잰 실행이 아직 없음)',
  },

  'estimate.source.measured': { en: 'measured here', ko: '이 컴퓨터에서 측정' },
  'estimate.source.scaled': { en: 'scaled from runs here', ko: '이 컴퓨터의 실행에서 환산' },
  'estimate.source.bench': { en: 'from the bench', ko: '벤치마크 기준' },
  'estimate.source.model': { en: 'rough', ko: '대략' },
  'estimate.perEpoch': { en: '≈ {time}/epoch', ko: '에폭당 ≈ {time}' },
  'estimate.underSecond': { en: '< 1 s/epoch', ko: '에폭당 1초 미만' },
  'estimate.run': {
    en: { one: '≈ {total} for {n} epoch ({perEpoch} each, {source})', other: '≈ {total} for {n} epochs ({perEpoch} each, {source})' },
    ko: '{n} 에폭에 ≈ {total} (에폭당 {perEpoch}, {source})',
  },
  'estimate.runUnderSecond': {
    en: { one: 'under a second for {n} epoch ({source})', other: 'under a second for {n} epochs ({source})' },
    ko: '{n} 에폭에 1초 미만 ({source})',
  },
  'estimate.macsTip': { en: 'Multiply-adds scaled to your input size and width multiplier', ko: '입력 크기와 너비 배율에 맞춰 환산한 MAC 수' },
  'estimate.study': {
    en: { one: '≈ {total} for the {n} cell left ({source})', other: '≈ {total} for the {n} cells left ({source})' },
    ko: '남은 셀 {n}개에 ≈ {total} ({source})',
  },
  'estimate.studyNothingLeft': { en: 'Nothing left to run', ko: '남은 실행 없음' },
  'estimate.studyLabel': { en: 'Time', ko: '시간' },
});
