#!/usr/bin/env node
/**
 * Install step: puts a copy of better-sqlite3's native addon built for Electron's ABI in
 * node_modules/.cache/bloombench-electron/, beside the Node build that `npm install` made.
 * main/electron/native.ts loads it inside Electron; Node (CLI, server, tests) keeps its own.
 *
 * Tries the published prebuilt binary first (prebuild-install --runtime electron), then a
 * compile against Electron's headers (node-gyp). Never fails the install: where neither can be
 * downloaded it prints a warning and exits 0. Run it again any time: `node main/electron/electron-abi.mjs`
 * (add --force to replace an existing copy).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(root, 'package.json'));
const log = (m) => console.log(`bloombench (electron sqlite): ${m}`);
const warn = (m) => console.warn(`bloombench (electron sqlite): warning: ${m}`);

function run(cmd, args, cwd, timeoutMs) {
  // A nodedir from npm's config would make node-gyp build against Node's headers, not Electron's.
  const env = { ...process.env, npm_config_loglevel: 'warn' };
  for (const k of Object.keys(env)) if (/^npm_config_(nodedir|target|runtime|disturl|dist_url)$/i.test(k)) delete env[k];
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, env });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  return { ok: r.status === 0, out: r.error ? `${r.error.message}\n${out}` : out };
}

function main() {
  const force = process.argv.includes('--force');
  if (process.env.BLOOMBENCH_SKIP_ELECTRON_SQLITE === '1') return log('skipped (BLOOMBENCH_SKIP_ELECTRON_SQLITE=1)');
  let electronVersion;
  try {
    electronVersion = JSON.parse(fs.readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  } catch {
    return log('electron is not installed (production install?): nothing to do');
  }
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1' && !force) {
    return log(`skipped: ELECTRON_SKIP_BINARY_DOWNLOAD=1, so there is no Electron to load it in (run with --force to build anyway)`);
  }
  const name = `better_sqlite3-electron-v${electronVersion}-${process.platform}-${process.arch}.node`;
  const outDir = path.join(root, 'node_modules', '.cache', 'bloombench-electron');
  const outFile = path.join(outDir, name);
  if (fs.existsSync(outFile) && !force) return log(`already there: ${path.relative(root, outFile)}`);

  const src = path.dirname(require.resolve('better-sqlite3/package.json'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-sqlite-electron-'));
  try {
    fs.cpSync(src, work, { recursive: true, filter: (p) => !/[\\/](build|node_modules)([\\/]|$)/.test(path.relative(src, p) ? `/${path.relative(src, p)}` : '') });
    const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
    const attempts = [];

    const prebuild = require.resolve('prebuild-install/bin.js');
    const a = run(process.execPath, [prebuild, '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch, '--platform', process.platform], work, 120_000);
    attempts.push(`prebuild-install: ${a.ok ? 'ok' : a.out.split('\n').slice(-2).join(' ')}`);

    if (!fs.existsSync(built)) {
      let gyp;
      try {
        gyp = require.resolve('node-gyp/bin/node-gyp.js');
      } catch {
        gyp = null;
      }
      if (gyp) {
        const b = run(process.execPath, [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers', `--arch=${process.arch}`], work, 900_000);
        attempts.push(`node-gyp: ${b.ok ? 'ok' : b.out.split('\n').slice(-3).join(' ')}`);
      }
    }

    if (!fs.existsSync(built)) {
      warn(
        `could not get better-sqlite3 for Electron ${electronVersion} (${attempts.join('; ')}).\n` +
          '  The CLI, `bloombench serve` and the tests are unaffected. `npm start` needs it: run\n' +
          '  `node main/electron/electron-abi.mjs` again with network access.',
      );
      return;
    }
    fs.mkdirSync(outDir, { recursive: true });
    fs.copyFileSync(built, outFile);
    log(`ready: ${path.relative(root, outFile)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  warn(`skipped after an unexpected error: ${e instanceof Error ? e.message : String(e)}`);
}
process.exit(0);
