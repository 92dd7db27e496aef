/**
 * Checks each pushed event against the contract before a view sees it: a malformed or unknown
 * event is dropped (and logged once per kind), never half-applied.
 */
import type { AppEvent } from '@shared/contract/api';
import { appEventSchema } from '@shared/contract/events';

const warned = new Set<string>();

/** The event in `raw` (a JSON text or an object), or null when it does not fit the contract. */
export function parseAppEvent(raw: unknown): AppEvent | null {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const parsed = appEventSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const kind = typeof value === 'object' && value !== null && 'kind' in value ? String((value as { kind: unknown }).kind) : '?';
  if (!warned.has(kind)) {
    warned.add(kind);
    console.warn(`bloombench: dropped a malformed "${kind}" event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return null;
}
