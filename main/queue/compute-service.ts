/**
 * The core's handle on the compute service (main/worker/service.ts): started on the first
 * call, one request/reply per call, every reply checked against its method's schema.
 *
 * If the service process dies (a crash, an out-of-memory kill), the calls in flight fail with
 * the reason and the next call starts a fresh one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  describeIssues,
  serviceReplySchema,
  serviceSchemas,
  type ServiceArgs,
  type ServiceCall,
  type ServiceMethod,
  type ServiceResult,
} from '../../shared/contract/worker';

/** Path of a worker-side entry, compiled or (under tsx/vitest) TypeScript. */
export function workerEntry(name: 'worker' | 'service'): { file: string; execArgv: string[] } {
  const ts = __filename.endsWith('.ts');
  return { file: path.join(__dirname, '..', 'worker', `${name}.${ts ? 'ts' : 'js'}`), execArgv: ts ? ['--import', 'tsx'] : [] };
}

/**
 * Starts a worker-side process (a training worker or the compute service) as Node, also inside
 * Electron, talking over IPC with structured clone; its stderr is piped for the caller's messages.
 */
export function forkWorkerProcess(name: 'worker' | 'service'): ChildProcess {
  const entry = workerEntry(name);
  return fork(entry.file, [], {
    execArgv: entry.execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
}

interface Waiting {
  readonly method: ServiceMethod;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** One compute service process, started when first needed. */
export class ComputeService {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private stderrTail = '';
  private closed = false;

  /** Calls one service method; rejects with the service's own message when it fails. */
  call<M extends ServiceMethod>(method: M, args: ServiceArgs<M>): Promise<ServiceResult<M>> {
    if (this.closed) return Promise.reject(new Error('The compute service is closed.'));
    const child = this.ensureChild();
    const id = this.nextId++;
    // Calls in flight keep the process alive; an idle service does not (see settle()).
    child.ref();
    child.channel?.ref();
    return new Promise<ServiceResult<M>>((resolve, reject) => {
      this.waiting.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      const message: ServiceCall = { type: 'call', id, method, args };
      child.send(message, (e) => {
        if (!e) return;
        this.waiting.delete(id);
        this.settle();
        reject(new Error(`Could not reach the compute service: ${e.message}`));
      });
    });
  }

  /** Stops the service process (calls in flight fail). */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    // An idle service is unreferenced: hold the process until it has really gone.
    child.ref();
    child.kill('SIGKILL');
    await exited;
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const child = forkWorkerProcess('service');
    this.child = child;
    this.stderrTail = '';
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
    });
    child.on('message', (raw: unknown) => this.onReply(raw));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (e) => {
      this.stderrTail += `\n${e.message}`;
    });
    return child;
  }

  private onReply(raw: unknown): void {
    const parsed = serviceReplySchema.safeParse(raw);
    if (!parsed.success) {
      this.stderrTail += `\nrefused a malformed service reply: ${describeIssues(parsed.error)}`;
      return;
    }
    const reply = parsed.data;
    const w = this.waiting.get(reply.id);
    if (!w) return;
    this.waiting.delete(reply.id);
    this.settle();
    if (!reply.ok) {
      w.reject(new Error(reply.error));
      return;
    }
    const result = serviceSchemas[w.method].result.safeParse(reply.result);
    if (result.success) w.resolve(result.data);
    else w.reject(new Error(`The compute service answered ${w.method} with a malformed result: ${describeIssues(result.error)}`));
  }

  /** An idle service must not keep a CLI (or a test) alive on its own. */
  private settle(): void {
    if (this.waiting.size || !this.child) return;
    this.child.unref();
    this.child.channel?.unref();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = null;
    if (!this.waiting.size) return;
    const how = signal ? `was killed (${signal}${signal === 'SIGKILL' ? ', possibly out of memory' : ''})` : `exited with code ${code}`;
    const tail = this.stderrTail.trim().split('\n').slice(-4).join('\n');
    const error = new Error(`The compute service ${how}.${tail ? `\n${tail}` : ''}`);
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }
}
