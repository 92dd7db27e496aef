/**
 * The New run view.
 */
import { defineMessages } from '../../../../shared/i18n/catalogue';

export const NEW_RUN = defineMessages({
  'newRun.trainingNow': { en: '“{name}” (#{id}) is training now', ko: '“{name}” (#{id}) 학습 중' },
  'newRun.watch': { en: 'Watch it', ko: '지켜보기' },
});
