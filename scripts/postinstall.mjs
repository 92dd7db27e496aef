// Runs after `npm install`: compiles the core and CLI, builds the renderer, and prepares
// better-sqlite3 for Electron's ABI, so that `npm start` and `npx bloombench` work at once.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
const tsc = bin('typescript', 'bin/tsc');
const vite = bin('vite', 'bin/vite.js');
if (!existsSync(tsc) || !existsSync(vite)) {
  console.warn('bloombench: TypeScript or Vite is not installed (production install?); skipping the build.');
  process.exit(0);
}
console.log('bloombench: compiling the core and CLI…');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
console.log('bloombench: building the user interface…');
execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
// The sandboxed preload, bundled with the verb list it imports.
execFileSync(process.execPath, [vite, 'build', '-c', path.join(root, 'vite.preload.config.mts')], { stdio: 'inherit', cwd: root });
// better-sqlite3 for Electron's ABI (skipped, with a warning, where it cannot be fetched or built).
spawnSync(process.execPath, [path.join(root, 'main', 'electron', 'electron-abi.mjs')], { stdio: 'inherit', cwd: root });
