/**
 * Which folders the browser may import: only folders under the allowed roots (the user's home
 * unless `bloombench serve --allow-import <dir>` names others), compared after resolving
 * symbolic links, so a link inside an allowed folder cannot lead out of it.
 *
 * The desktop app's folder dialog is the local user picking a folder and is not limited.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { userError } from '../../shared/i18n/error-words';

/** True when `p` is `root` or inside it (both absolute and normalised). */
function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** The folders a browser import may come from, resolved once. */
export class ImportPolicy {
  /** The roots as given (absolute), for messages. */
  readonly roots: readonly string[];
  private readonly realRoots: readonly string[];

  /** `roots`: the allowed folders; the user's home folder when none are given. */
  constructor(roots: readonly string[] = []) {
    this.roots = (roots.length ? roots : [os.homedir()]).map((r) => path.resolve(r));
    this.realRoots = this.roots.map(realpathOr);
  }

  /**
   * Checks a folder a browser asked to import; returns it unchanged or throws a `UserError`
   * (`forbidden`) that says what is allowed and how to allow more. A folder that does not
   * exist inside an allowed root is passed on, so the import reports it as missing.
   */
  check(folder: string): string {
    const asked = path.resolve(folder);
    const roots = this.roots.join(', ');
    if (!this.roots.some((r) => isInside(asked, r)) && !this.realRoots.some((r) => isInside(asked, r))) throw userError('forbidden', 'error.importRefused', { path: asked, roots });
    // The nearest part of the path that exists, with its links resolved, must stay inside.
    let existing = asked;
    let real: string | null = null;
    while (real === null) {
      try {
        real = fs.realpathSync(existing);
      } catch (e) {
        const parent = path.dirname(existing);
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || parent === existing) throw e;
        existing = parent;
      }
    }
    if (!this.realRoots.some((r) => isInside(real, r))) throw userError('forbidden', 'error.importRefusedLink', { path: asked, real, roots });
    return folder;
  }
}
