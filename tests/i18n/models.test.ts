/**
 * The architecture cards' descriptions: every model of the zoo has one in the catalogue, and its
 * English is the registry's own (so the two cannot drift apart).
 */
import { describe, expect, it } from 'vitest';
import { listVariants } from '../../main/models/registry';
import { MODEL_WORDS } from '../../shared/i18n/model-words';

describe('model descriptions', () => {
  it("are in the catalogue for every model, in the registry's English", () => {
    const cat: Readonly<Record<string, { en: unknown; ko: unknown }>> = MODEL_WORDS;
    const missing: string[] = [];
    for (const v of listVariants()) {
      const entry = cat[`model.${v.id}`];
      if (!entry) missing.push(v.id);
      else expect(entry.en, v.id).toBe(v.description);
    }
    expect(missing).toEqual([]);
    expect(Object.keys(cat).length).toBe(listVariants().length);
  });
});
