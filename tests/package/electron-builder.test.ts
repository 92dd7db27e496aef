/**
 * electron-builder.yml, read by electron-builder's own file matcher (app-builder-lib): the
 * packaged app keeps only the target platform's Dawn binary, and the native addons it loads are
 * unpacked from the asar archive.
 *
 * electron-builder copies production node_modules through a matcher made of the `files`
 * exclusions alone, after "**\/*" (app-builder-lib's getNodeModuleFileMatcher); this builds that
 * matcher the same way from the real config.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher';
import { getConfig } from 'app-builder-lib/out/util/config/config';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
let config: { files: unknown[]; asarUnpack: string[] };
const DAWN = path.join(ROOT, 'node_modules/webgpu/dist');

/** electron-builder's filter for node_modules, building on `platform` for `arch`. */
function nodeModulesFilter(platform: string, arch: string): (file: string) => boolean {
  const expand = (p: string): string => p.replace(/\$\{platform\}/g, platform).replace(/\$\{arch\}/g, arch);
  const matcher = new FileMatcher(ROOT, ROOT, expand);
  // As getNodeModuleFileMatcher: a string's exclusions; a file set from the app folder, all of it.
  for (const entry of config.files) {
    if (typeof entry === 'string') {
      if (entry.startsWith('!')) matcher.addPattern(entry);
    } else {
      const set = entry as { from?: string; filter?: string | string[] };
      if (set.from == null || set.from === '.') for (const p of [set.filter ?? []].flat()) matcher.addPattern(p);
    }
  }
  matcher.prependPattern('**/*');
  const filter = matcher.createFilter();
  return (file) => filter(file, fs.statSync(file));
}

/** The Dawn folders electron-builder would copy when building on `platform` for `arch`. */
function dawnKept(platform: string, arch: string): string[] {
  const keeps = nodeModulesFilter(platform, arch);
  return fs.readdirSync(DAWN).filter((dir) => keeps(path.join(DAWN, dir)) && keeps(path.join(DAWN, dir, 'dawn.node')));
}

describe('electron-builder.yml', () => {
  beforeAll(async () => {
    // electron-builder's own loader (it finds electron-builder.yml in the project folder).
    config = (await getConfig(ROOT, null, null)) as unknown as typeof config;
    expect(config.files.length).toBeGreaterThan(0);
  });

  it.each([
    ['linux', 'x64', 'linux-x64'],
    ['linux', 'arm64', 'linux-arm64'],
    ['win32', 'x64', 'win32-x64'],
    ['win32', 'arm64', 'win32-arm64'],
    ['darwin', 'arm64', 'darwin-universal'],
    ['darwin', 'x64', 'darwin-universal'],
  ])('building on %s for %s packages only Dawn\'s %s binary', (platform, arch, dir) => {
    expect(fs.readdirSync(DAWN).length).toBeGreaterThan(1);
    expect(dawnKept(platform, arch)).toEqual([dir]);
  });

  it('keeps the rest of the webgpu package, and unpacks Dawn and the other native addons from the archive', () => {
    expect(nodeModulesFilter('linux', 'x64')(path.join(ROOT, 'node_modules/webgpu/index.js'))).toBe(true);
    for (const p of ['node_modules/webgpu/dist/**', 'node_modules/better-sqlite3/**', 'node_modules/sharp/**']) expect(config.asarUnpack).toContain(p);
  });
});
