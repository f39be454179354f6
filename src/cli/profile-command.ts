/**
 * `devcap profile <lab> <variant>`: where the variant's time goes under the lab's own load.
 * The variant runs with node's `--cpu-prof` (or `--heap-prof` with --heap), the lab's load
 * hits it, and devcap prints the functions that spent the most time themselves (self time),
 * then leaves the .cpuprofile for Chrome DevTools or speedscope. `--clinic doctor` hands
 * the same variant and load over to Clinic.js when it is installed.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { BadOption, BadOut, ExitCode, PrerequisiteError, UnknownVariant } from '../errors.js';
import { ownChild, ownTempDir } from '../harness/cleanup.js';
import { runLoad, warmUp } from '../harness/load.js';
import { provide, resolveConfig, type Progress } from '../harness/run-lab.js';
import { paramEnv } from '../harness/variant-group.js';
import { VariantProcess } from '../harness/variant-process.js';
import { resolvedRedis } from '../infra/redis.js';
import type { LoadedLab } from '../lab/registry.js';
import { resolveParams } from './lab-command.js';
import { progressFor } from './progress.js';
import { interruptedLine, openSession } from './session.js';

export interface ProfileOptions {
  out?: string;
  duration?: number;
  connections?: number;
  set?: string[];
  heap?: boolean;
  clinic?: string;
  top?: number;
  color: boolean;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotFunction {
  name: string;
  where: string;
  selfMs: number;
  share: number;
}

/** Pseudo-frames V8 records besides real functions. */
const IDLE = '(idle)';

/** Self time by function (name and place), busiest first; idle time is left out of the shares. */
export function hotFunctions(profile: CpuProfile): { functions: HotFunction[]; busyMs: number; idleMs: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, { name: string; where: string; us: number }>();
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === IDLE) {
      idle += delta;
      return;
    }
    const name = functionName || '(anonymous)';
    const where = url ? `${url.replace(/^file:\/\//, '')}:${lineNumber + 1}` : '';
    const key = `${name}\0${where}`;
    const entry = self.get(key) ?? { name, where, us: 0 };
    entry.us += Math.max(0, delta);
    self.set(key, entry);
  });
  const busy = [...self.values()].reduce((sum, entry) => sum + entry.us, 0);
  const functions = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .map((entry) => ({ name: entry.name, where: entry.where, selfMs: entry.us / 1000, share: busy ? entry.us / busy : 0 }));
  return { functions, busyMs: busy / 1000, idleMs: idle / 1000 };
}

export function renderHot(hot: ReturnType<typeof hotFunctions>, top: number): string {
  const rows = hot.functions.slice(0, top);
  const lines = [`Top ${rows.length} functions by self time (${Math.round(hot.busyMs)} ms busy, ${Math.round(hot.idleMs)} ms idle):`];
  for (const row of rows) {
    lines.push(`  ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.selfMs.toFixed(0).padStart(6)} ms  ${row.name}${row.where ? `  ${shorten(row.where)}` : ''}`);
  }
  return lines.join('\n');
}

/** node_modules paths from the package on, devcap's own from the lab folder on. */
function shorten(where: string): string {
  const modules = where.lastIndexOf('/node_modules/');
  if (modules !== -1) return where.slice(modules + 1);
  const labs = where.indexOf('/dist/labs/');
  return labs !== -1 ? where.slice(labs + '/dist/'.length) : where;
}

/** Heap sampling profile: bytes allocated and still live at the end, by function. */
interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

export function heapTop(root: HeapNode, top: number): string {
  const sizes = new Map<string, number>();
  const walk = (node: HeapNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'}${url ? `  ${shorten(url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : ''}`;
    sizes.set(key, (sizes.get(key) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(root);
  const total = [...sizes.values()].reduce((sum, size) => sum + size, 0);
  const rows = [...sizes].filter(([, size]) => size > 0).sort((a, b) => b[1] - a[1]).slice(0, top);
  // V8's sampling heap profiler keeps only what is still alive when the process ends.
  const lines = [`Top ${rows.length} allocation sites of what was still live when the server stopped (${(total / 2 ** 20).toFixed(1)} MiB sampled):`];
  for (const [key, size] of rows) lines.push(`  ${((size / total) * 100).toFixed(1).padStart(5)}%  ${(size / 2 ** 20).toFixed(2).padStart(7)} MiB  ${key}`);
  return lines.join('\n');
}

const CLINIC_TOOLS = ['doctor', 'flame', 'bubbleprof', 'heapprofiler'];

export function onPath(command: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function profileCommand(loaded: LoadedLab, wanted: string, options: ProfileOptions, version: string): Promise<number> {
  const { lab } = loaded;
  const names = Object.keys(lab.variants);
  if (!Object.hasOwn(lab.variants, wanted)) throw new UnknownVariant(`lab ${lab.day} has no variant "${wanted}"; variants: ${names.join(', ')}`);
  if (options.clinic !== undefined && !CLINIC_TOOLS.includes(options.clinic)) {
    throw new BadOption(`--clinic takes one of ${CLINIC_TOOLS.join(', ')} (got "${options.clinic}")`);
  }
  const clinic = options.clinic !== undefined ? onPath('clinic') : undefined;
  if (options.clinic !== undefined && !clinic) {
    throw new PrerequisiteError('DEVCAP_CLINIC_MISSING', 'clinic is not on PATH; install it with npm install -g clinic (Clinic.js, not a devcap dependency), or leave out --clinic for devcap\'s own CPU profile');
  }
  if (lab.variants[wanted]!.companions) throw new BadOption(`${lab.slug}/${wanted} runs with companion processes; devcap profile runs a variant alone`);
  const outDir = resolve(options.out ?? '.');
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) throw new BadOut(`--out ${options.out}: no such folder`);

  const params = resolveParams(loaded, options.set ?? [], [loaded]);
  const config = resolveConfig(loaded, { quick: false, params, version, substitutes: {}, connections: options.connections });
  const session = openSession({ interruptLine: interruptedLine });
  const output = await progressFor({ color: options.color });
  session.handleSignals(() => output.stop());
  try {
    const releases: Array<() => Promise<void>> = [];
    const provided = await provide({ loaded, config, progress: output.progress, releases }, { redis: await resolvedRedis(undefined, false) });
    const skipped = provided.skipped.find((entry) => entry.variant === wanted);
    if (skipped) throw new PrerequisiteError(`DEVCAP_${skipped.requires[0]!.toUpperCase()}_MISSING`, `${lab.slug}/${wanted} cannot run here: ${skipped.reason}`);
    const env = { ...provided.env, ...lab.variants[wanted]!.env, ...paramEnv(loaded, config) };
    const connections = Math.max(...config.connections);
    const durationSec = options.duration ?? Math.max(5, config.durationSec);
    if (clinic) return await handOverToClinic(clinic, options.clinic!, loaded, wanted, env, connections, durationSec, outDir);
    return await profileOnce(loaded, wanted, env, connections, durationSec, outDir, options, output.progress, () => output.stop());
  } finally {
    output.stop();
    await session.release();
  }
}

async function profileOnce(
  loaded: LoadedLab,
  variant: string,
  env: Record<string, string>,
  connections: number,
  durationSec: number,
  outDir: string,
  options: ProfileOptions,
  progress: Progress,
  stopProgress: () => void,
): Promise<number> {
  const { lab } = loaded;
  const dir = mkdtempSync(join(tmpdir(), 'devcap-profile-'));
  ownTempDir(dir);
  const kind = options.heap ? 'heap' : 'cpu';
  const nodeArgs = options.heap ? ['--heap-prof', `--heap-prof-dir=${dir}`] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  progress.phase(`${lab.slug}: starting ${variant} with --${kind}-prof`);
  const server = await VariantProcess.start({ name: `${lab.slug}/${variant}`, file: loaded.variantPath(variant), env, readyPath: lab.workload.readyPath, readyStatus: lab.workload.readyStatus ?? 200, nodeArgs });
  const { path, method, headers, body } = lab.workload;
  const load = { port: server.port, path, method, headers, body, connections };
  progress.phase(`${lab.slug}: ${variant}, warming up`);
  await warmUp({ ...load, count: lab.workload.sizing.warmupRequests });
  progress.phase(`${lab.slug}: ${variant} under load, ${connections} connections, ${durationSec} s`);
  const result = await runLoad({ ...load, client: lab.workload.client, durationSec, expectStatus: lab.workload.expectStatus, side: lab.workload.side ?? undefined, onTick: (count) => progress.tick(`${count} req/s`) });
  // The profile is written as the process exits: serve() exits cleanly on SIGTERM.
  await server.stop();
  stopProgress();
  const written = readdirSync(dir).filter((name) => name.endsWith(`.${kind === 'cpu' ? 'cpuprofile' : 'heapprofile'}`));
  if (!written.length) {
    process.stderr.write(`devcap: DEVCAP_NO_PROFILE: ${lab.slug}/${variant} exited without writing a profile${server.errorLine() ? `: ${server.errorLine()}` : ''}\n`);
    return ExitCode.runFailed;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const target = join(outDir, `${String(lab.day).padStart(2, '0')}-${lab.slug}-${variant}-${stamp}.${kind === 'cpu' ? 'cpuprofile' : 'heapprofile'}`);
  copyFileSync(join(dir, written[0]!), target);
  const top = options.top ?? 10;
  const text = readFileSync(target, 'utf8');
  const summary = kind === 'cpu' ? renderHot(hotFunctions(JSON.parse(text) as CpuProfile), top) : heapTop((JSON.parse(text) as { head: HeapNode }).head, top);
  const rps = Math.round(result.primary.requestsPerSec);
  const lines = [
    `lab ${lab.day} (${lab.slug}), variant ${variant}: ${lab.variants[variant]!.summary}`,
    `${durationSec} s of ${lab.workload.method ?? 'GET'} ${lab.workload.path} at ${connections} connections: ${rps.toLocaleString('en-US')} req/s`,
    '',
    summary,
    '',
    `wrote ${target}`,
    kind === 'cpu'
      ? '  open it in Chrome DevTools (Performance tab, "Load profile") or drop it on https://www.speedscope.app'
      : '  open it in Chrome DevTools (Memory tab, "Load profile")',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return ExitCode.ok;
}

/** Clinic.js runs the variant itself and loads it with its own autocannon; its report lands in outDir. */
async function handOverToClinic(clinic: string, tool: string, loaded: LoadedLab, variant: string, env: Record<string, string>, connections: number, durationSec: number, outDir: string): Promise<number> {
  const { lab } = loaded;
  const method = lab.workload.method ?? 'GET';
  const autocannon = ['[', '-c', String(connections), '-d', String(durationSec), '-m', method, lab.workload.path, ']'];
  const args = [tool, '--autocannon', ...autocannon, '--', process.execPath, loaded.variantPath(variant)];
  process.stderr.write(`devcap: handing over to ${clinic} ${args.join(' ')}\n`);
  const child = spawn(clinic, args, { cwd: outDir, stdio: 'inherit', env: { ...process.env, ...env } });
  ownChild(child, 'clinic');
  return new Promise((resolvePromise) => {
    child.on('error', (error) => {
      process.stderr.write(`devcap: DEVCAP_CLINIC_FAILED: ${error.message}\n`);
      resolvePromise(ExitCode.runFailed);
    });
    child.on('exit', (code) => resolvePromise(code === 0 ? ExitCode.ok : ExitCode.runFailed));
  });
}
