/** Child processes of the benches: the PyTorch scripts, the model runs, the CLI. */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Runs `cmd args`, returns stdout; stderr passes through (progress). */
export function runChild(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(cmd)} ${args.join(' ')} exited with ${code}`))));
  });
}

/** The last line of `out` that is a JSON object. */
export function lastJsonLine(out: string): unknown {
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no JSON in the output: ${out.slice(-500)}`);
  return JSON.parse(line) as unknown;
}

/** The Python that can `import torch` (Debian's python3-torch lives under /usr/bin/python3). */
export function findTorchPython(): { python: string; version: string } | { python: null; why: string } {
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      const version = execFileSync(py, ['-c', 'import torch; print(torch.__version__)'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      return { python: py, version };
    } catch {
      // next
    }
  }
  return { python: null, why: 'PyTorch not found: `python3 -c "import torch"` fails (install it with `apt-get install -y python3-torch python3-torchvision`, then use /usr/bin/python3)' };
}

/** A bench Python script (`torch_bench.py`, `torch_parity.py`), from the sources (tsx) or from dist/bench. */
export function benchScript(name: string): string {
  const beside = path.join(__dirname, name);
  return fs.existsSync(beside) ? beside : path.join(__dirname, '..', '..', 'bench', name);
}

/** bench/models.ts as a child process: the compiled file, or the source under tsx. */
export function benchModelsEntry(): { file: string; execArgv: string[] } {
  const ts = __filename.endsWith('.ts');
  return { file: path.join(__dirname, ts ? 'models.ts' : 'models.js'), execArgv: ts ? ['--import', 'tsx'] : [] };
}
