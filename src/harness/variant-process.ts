import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HarnessError, NotReady, SpawnFailed } from '../errors.js';
import { send } from '../lab/http.js';
import { ownChild, stopChild } from './cleanup.js';
import type { ProbeReading } from './probe.js';

const PROBE_PATH = fileURLToPath(new URL('./probe.js', import.meta.url));
const READY_TIMEOUT_MS = 15_000;
const PROBE_TIMEOUT_MS = 15_000;
/** What a scenario may read back of a process's output: its last 256 KiB. */
const OUTPUT_LIMIT = 256 * 1024;

export interface StartOptions {
  name: string;
  file: string;
  env: Record<string, string>;
  readyPath: string;
  /** The status `readyPath` must answer with (default 200). */
  readyStatus?: number;
  /** Extra node flags before the file (`devcap profile`: --cpu-prof, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

/** A variant running in its own fresh process, with the probe preloaded. */
export class VariantProcess {
  readonly port: number;
  private readonly child: ChildProcess;
  private readonly release: () => Promise<void>;
  private readonly stderr: string[];
  private readonly output: { text: string };

  private constructor(child: ChildProcess, port: number, release: () => Promise<void>, stderr: string[], output: { text: string }) {
    this.child = child;
    this.port = port;
    this.release = release;
    this.stderr = stderr;
    this.output = output;
  }

  /** Everything the process wrote to stdout and stderr (the last 256 KiB of it). */
  outputText(): string {
    return this.output.text;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Ready = the child announced its port and answered one request. No sleeps. */
  static async start(options: StartOptions): Promise<VariantProcess> {
    const env = { ...process.env, ...options.env };
    // The user's own REDIS_URL (their app's, maybe a shared server) never reaches a server
    // devcap starts: only the Redis devcap provided for the run does.
    if (!Object.hasOwn(options.env, 'REDIS_URL')) delete env.REDIS_URL;
    // Nor does the shell's NODE_ENV: Express answers errors without a stack trace under
    // `production` and logs nothing from its final handler under `test` (which vitest sets),
    // and a lesson must not change with the terminal it runs in. A lab that wants one sets
    // it; a learner who wants to see the difference says so with DEVCAP_NODE_ENV.
    if (!Object.hasOwn(options.env, 'NODE_ENV')) {
      delete env.NODE_ENV;
      if (process.env.DEVCAP_NODE_ENV) env.NODE_ENV = process.env.DEVCAP_NODE_ENV;
    }
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', PROBE_PATH, options.file], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
    const release = ownChild(child, options.name);
    const stderr: string[] = [];
    const output = { text: '' };
    const keep = (text: string) => {
      output.text += text;
      if (output.text.length > OUTPUT_LIMIT) output.text = output.text.slice(-OUTPUT_LIMIT);
    };
    child.stdout?.setEncoding('utf8').on('data', keep);
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      keep(text);
      stderr.push(text);
      if (stderr.length > 50) stderr.shift();
    });
    try {
      const port = await waitForPort(child, options.name, stderr);
      await firstAnswer(port, options.readyPath, options.readyStatus ?? 200, child, options.name, stderr);
      return new VariantProcess(child, port, release, stderr, output);
    } catch (error) {
      await release();
      throw error;
    }
  }

  async probe(cmd: 'reset'): Promise<void>;
  async probe(cmd: 'read'): Promise<ProbeReading>;
  async probe(cmd: 'reset' | 'read'): Promise<ProbeReading | void> {
    const child = this.child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new HarnessError('DEVCAP_PROBE_TIMEOUT', `the probe in this variant did not answer "${cmd}" within ${PROBE_TIMEOUT_MS / 1000} s`));
      }, PROBE_TIMEOUT_MS);
      const onMessage = (message: { type?: string; cmd?: string; reading?: ProbeReading }) => {
        if (message?.type !== 'devcap:probe' || message.cmd !== cmd) return;
        cleanup();
        resolve(message.reading);
      };
      const onExit = () => {
        cleanup();
        reject(crashed('a variant', child, this.stderr));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      // A child that just died (Ctrl-C reaches the whole process group) cannot be written
      // to: the send fails with EPIPE, which is reported here instead of crashing devcap.
      child.send({ type: 'devcap:probe', cmd }, (error) => {
        if (!error) return;
        cleanup();
        reject(crashed('a variant', child, this.stderr));
      });
    });
  }

  /** True while the process is alive: a variant that died under load is a harness fault. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The one line that says why the process failed (its error's own line), '' when it printed nothing. */
  errorLine(): string {
    return errorLine(this.stderr);
  }

  /** A failure of this process, said in one line; everything it printed on stderr goes in `detail`, for --debug. */
  failure(code: `DEVCAP_${string}`, message: string): HarnessError {
    return withOutput(new HarnessError(code, `${message}${this.errorLine() ? `: ${this.errorLine()}` : ''}`), this.stderr);
  }

  stop(): Promise<void> {
    return this.release();
  }

  /**
   * Sends `signal` and waits for the process to exit (a fault a lab injects on cue: SIGKILL
   * of a worker mid-job). A process that outlives a polite signal by 5 s is killed.
   */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await stopChild(this.child, KILL_GRACE_MS, signal);
    await this.release();
  }
}

const KILL_GRACE_MS = 5000;

/** The error's own line ("Error: ...", "SyntaxError: ..."), not node's closing "Node.js v20.x" nor a stack frame. */
export function errorLine(stderr: string[]): string {
  const lines = stderr.join('').trim().split('\n').filter((line) => line.trim() && !/^Node\.js v\d/.test(line));
  return ([...lines].reverse().find((line) => /^\w*(Error|Exception)\b/.test(line)) ?? lines.pop() ?? '').trim();
}

/** A child's whole stderr rides along on its error, for --debug; the message stays one line. */
function withOutput(error: HarnessError, stderr: string[]): HarnessError {
  const text = stderr.join('').trim();
  if (text) error.detail = text;
  return error;
}

function crashed(name: string, child: ChildProcess, stderr: string[]): HarnessError {
  const line = errorLine(stderr);
  const how = child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
  return withOutput(new HarnessError('DEVCAP_VARIANT_CRASHED', `${name} exited (${how})${line ? `: ${line}` : ''}`), stderr);
}

function waitForPort(child: ChildProcess, name: string, stderr: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new NotReady(`${name} did not announce a port within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    const onMessage = (message: { type?: string; port?: number }) => {
      if (message?.type === 'ready' && typeof message.port === 'number') {
        cleanup();
        resolve(message.port);
      }
    };
    const onExit = () => {
      cleanup();
      // stderr may still be draining; give it one turn of the loop
      setImmediate(() => reject(crashed(name, child, stderr)));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new SpawnFailed(`${name} could not start: ${error.message}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** A server still warming up may answer 503 for a moment; one that keeps answering the wrong status is not ready. */
const WRONG_STATUS_GRACE_MS = 3000;

async function firstAnswer(port: number, path: string, status: number, child: ChildProcess, name: string, stderr: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let wrongSince: number | undefined;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw crashed(name, child, stderr);
    try {
      const answer = await get(port, path);
      if (answer.status === status) return;
      wrongSince ??= Date.now();
      lastError = `it answered ${answer.status}, expected ${status}`;
      if (Date.now() - wrongSince > WRONG_STATUS_GRACE_MS) break;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new NotReady(`${name} announced port ${port} but is not ready: GET ${path}: ${lastError}`);
}

/** One GET on loopback; resolves with the status once the body has been read. */
export async function get(port: number, path: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const { status, body } = await send({ port, path, timeoutMs });
  return { status, body };
}
