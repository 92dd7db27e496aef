/**
 * npm 11 documents dependency install scripts as skipped unless `allowScripts` in package.json
 * covers them: every dependency in the lockfile that has an install script must be decided
 * there, and the ones the app cannot run without must be allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };

/** Packages whose install script the app needs: the SQLite binding, the Electron binary, the native tfjs backends, the Windows installer's 7-Zip. */
const NEEDED = ['better-sqlite3', 'electron', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'electron-winstaller'];

describe('allowScripts', () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([key, p]) => key.startsWith('node_modules/') && p.hasInstallScript)
    .map(([key]) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length));

  it('decides every dependency that has an install script', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    const undecided = withScripts.filter((name) => typeof pkg.allowScripts?.[name] !== 'boolean');
    expect(undecided).toEqual([]);
  });

  it('allows the scripts the app needs, and only names packages that exist', () => {
    for (const name of NEEDED) expect(pkg.allowScripts?.[name], name).toBe(true);
    const stale = Object.keys(pkg.allowScripts ?? {}).filter((name) => !withScripts.includes(name));
    expect(stale).toEqual([]);
  });
});
