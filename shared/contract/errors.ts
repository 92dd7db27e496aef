/**
 * The error every validator throws: which verb, which field, and why.
 *
 * Its own module so that the study validators (main/studies/contract.ts) and the `Api`
 * validators (./api.ts, which includes them) can both use it without importing each other.
 */

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
