/**
 * The plain-words warnings about a run that is not learning (main/worker/diagnostics.ts), in
 * both languages: what was seen (its numbers) and what to try (advice items that follow the
 * run's own settings). The worker stores the English sentence as the diagnostic's `message`
 * and the facts beside it; the views write the facts in their language.
 */
import type { AdviceItem, Diagnostic, DiagnosticFacts } from '../types';
import { defineMessages, render } from './catalogue';
import { INTL_TAGS, type Locale } from './locale';

export const DIAGNOSTIC_WORDS = defineMessages({
  'diagnostic.nan-loss': {
    en: 'The training loss became {loss} in epoch {epoch}: the weights blew up.',
    ko: '에폭 {epoch}에서 학습 손실이 {loss}이(가) 되었습니다: 가중치가 발산했습니다.',
  },
  'diagnostic.stuck-loss': {
    en: 'The loss is stuck at {loss} ≈ ln({classes}) = {lnK}: the network still guesses uniformly.',
    ko: '손실이 {loss} ≈ ln({classes}) = {lnK}에 머물러 있습니다: 신경망이 아직 모든 클래스를 같은 확률로 찍고 있습니다.',
  },
  'diagnostic.one-class': {
    en: '{share} % of the predictions in epoch {epoch} are "{name}": the model has collapsed to one class. Check the class balance.',
    ko: '에폭 {epoch}의 예측 중 {share}%가 "{name}"입니다: 모델이 한 클래스로 무너졌습니다. 클래스 분포를 확인하세요.',
  },
  'diagnostic.overfitting': {
    en: 'Training accuracy is {train} but validation only {val}, and the gap has widened for two epochs: the model is memorising. Add augmentation, dropout or weight decay, or stop earlier.',
    ko: '학습 정확도는 {train}인데 검증 정확도는 {val}뿐이고, 그 차이가 두 에폭째 벌어지고 있습니다: 모델이 과적합되어 외우고 있습니다. 데이터 증강, 드롭아웃이나 가중치 감쇠를 더하거나 더 일찍 멈추세요.',
  },
  'diagnostic.try': { en: 'Try {list}.', ko: '다음을 시도해 보세요: {list}.' },
  'diagnostic.checkLabels': { en: 'Check that the labels match the pictures.', ko: '레이블이 이미지와 맞는지 확인하세요.' },
  'advice.lower-lr': { en: 'a smaller learning rate (now {lr})', ko: '더 작은 학습률(지금 {lr})' },
  'advice.higher-lr': { en: 'a larger learning rate (now {lr})', ko: '더 큰 학습률(지금 {lr})' },
  'advice.other-lr': { en: 'another learning rate (now {lr})', ko: '다른 학습률(지금 {lr})' },
  'advice.batch-norm': { en: 'batch-norm', ko: '배치 정규화' },
  'advice.warm-up': { en: 'a warm-up', ko: '워밍업' },
  'advice.relu': { en: 'ReLU instead of {activation}', ko: '{activation} 대신 ReLU' },
});

/** One piece of advice in words. */
function adviceText(a: AdviceItem, locale: Locale): string {
  switch (a.code) {
    case 'lower-lr':
    case 'higher-lr':
    case 'other-lr':
      return render(locale, DIAGNOSTIC_WORDS[`advice.${a.code}`], { lr: a.lr });
    case 'relu':
      return render(locale, DIAGNOSTIC_WORDS['advice.relu'], { activation: a.activation });
    default:
      return render(locale, DIAGNOSTIC_WORDS[`advice.${a.code}`]);
  }
}

/** A diagnostic's facts as sentences: what was seen, then what to try. */
export function diagnosticFactsText(kind: Diagnostic['kind'], facts: DiagnosticFacts, locale: Locale): string {
  const parts = [render(locale, DIAGNOSTIC_WORDS[`diagnostic.${kind}`], facts.values)];
  if (facts.advice.length) {
    const list = new Intl.ListFormat(INTL_TAGS[locale], { type: 'disjunction' }).format(facts.advice.map((a) => adviceText(a, locale)));
    parts.push(render(locale, DIAGNOSTIC_WORDS['diagnostic.try'], { list }));
  }
  if (facts.checkLabels) parts.push(render(locale, DIAGNOSTIC_WORDS['diagnostic.checkLabels']));
  return parts.join(' ');
}

/** A diagnostic in a language; one stored before its facts were, as its English message. */
export function diagnosticText(d: Diagnostic, locale: Locale): string {
  return d.facts ? diagnosticFactsText(d.kind, d.facts, locale) : d.message;
}
