// Runs after `npm install`: compiles the core and CLI so that `npx bloombench` works at once.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  console.warn('bloombench: TypeScript is not installed (production install?); skipping the build.');
  process.exit(0);
}
console.log('bloombench: compiling the core and CLI…');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
