/**
 * The error every validator throws: which verb, which field, and why.
 *
 * Its own module so that the study validators (main/studies/contract.ts) and the `Api`
 * validators (./api.ts, which includes them) can both use it without importing each other.
 */
import type { MessageRef } from '../i18n/catalogue';

/** A refused message: which field, and why. */
export class ValidationError extends Error {
  constructor(
    readonly verb: string,
    readonly issues: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(`${verb}: ${issues.map((i) => (i.path ? `${i.path} ${i.message}` : i.message)).join('; ')}`);
    this.name = 'ValidationError';
  }
}

/**
 * What kind of mistake or obstacle a `UserError` reports; each transport picks its answer from
 * it (the HTTP server: 400, 404, 409, 403, 507).
 */
export type UserErrorKind = 'invalid' | 'not-found' | 'conflict' | 'forbidden' | 'disk-full';

/**
 * An error the user can act on, with its message written for them (it names the file, run or
 * field): a folder that does not exist, a run that is training elsewhere, a full disk.
 *
 * Anything else that escapes the core is a defect and reads as one (HTTP 500).
 */
export class UserError extends Error {
  constructor(
    readonly kind: UserErrorKind,
    message: string,
    /** The message in the catalogue (shared/i18n/error-words.ts), for views that speak another language. */
    readonly ref?: MessageRef,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** True for the errors a full disk (or an exhausted quota) raises, from Node's fs or from SQLite. */
export function isDiskFullError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}
