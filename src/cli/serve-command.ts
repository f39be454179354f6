/**
 * `devcap serve <lab> [variant]`: one variant, with everything it needs (Redis, the
 * database, the lab's downstream services, its data files), up until Ctrl-C. For poking a
 * server by hand, and for workshops: the instructor serves, the room sends requests.
 */
import { createServer } from 'node:net';
import { BadHost, ExitCode, PortDenied, PrerequisiteError, UnknownVariant, UsageError } from '../errors.js';
import { exitCodeFor } from '../harness/cleanup.js';
import { checkHost } from '../infra/names.js';
import { resolvedRedis } from '../infra/redis.js';
import { provide, resolveConfig } from '../harness/run-lab.js';
import { VariantGroup } from '../harness/variant-group.js';
import type { LoadedLab } from '../lab/registry.js';
import { resolveParams } from './lab-command.js';
import { openSession, processes } from './session.js';

/** What `serve`'s flags give (the table in options.ts). */
export interface ServeFlags {
  port?: number;
  host?: string;
  set?: string[];
}

export interface ServeOptions extends ServeFlags {
  /** Print a live line a second (a terminal with a known width). */
  live: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** What to print before serving: the URL, the endpoints, and commands to paste. */
export function servingText(loaded: LoadedLab, variant: string, url: string, services: Array<{ name: string; summary: string }>): string {
  const { lab } = loaded;
  const { workload } = lab;
  const method = workload.method ?? 'GET';
  const header = Object.entries(workload.headers ?? {})
    .map(([name, value]) => ` -H '${name}: ${value}'`)
    .join('');
  const endpoints = [`${method} ${workload.path}   what the lab loads`];
  if (workload.side) endpoints.push(`GET ${workload.side.path}   the side stream, timed beside the load`);
  if (workload.readyPath !== workload.path && workload.readyPath !== workload.side?.path) endpoints.push(`GET ${workload.readyPath}   answers ${workload.readyStatus ?? 200} once the server is ready`);
  const connections = Math.max(...workload.sizing.connections);
  // Quoted where a shell would read `?` or `&` itself (zsh refuses an unmatched `?`).
  const at = (path: string) => (/[?&*[\]]/.test(path) ? `'${url}${path}'` : `${url}${path}`);
  const lines = [
    `lab ${lab.day} (${lab.slug}), variant ${variant}: ${lab.variants[variant]!.summary}`,
    `serving at ${url}`,
    '',
    'endpoints:',
    ...endpoints.map((line) => `  ${line}`),
    '',
    'try:',
    `  curl -i${method === 'POST' ? ' -X POST' : ''}${header}${workload.body ? ` --data-binary @body.json` : ''} ${at(workload.path)}`,
    ...(workload.side ? [`  curl -i ${at(workload.side.path)}`] : []),
    `  npx autocannon -c ${connections} -d 10${method === 'POST' ? ' -m POST' : ''}${header} ${at(workload.path)}`,
  ];
  if (services.length) lines.push('', 'started for it:', ...services.map((service) => `  ${service.name}: ${service.summary}`));
  lines.push('', 'Ctrl-C stops it and everything started for it.');
  return lines.join('\n');
}

/**
 * `--host` and `--port`, tried before anything starts: the host must be an address or a name
 * this machine resolves (looked up as the variant's own listen will), and devcap itself must
 * be able to listen there, so a host that is not this machine's or a port in use or out of
 * reach is one line now, not a variant that dies after Redis and the database are up.
 */
export async function checkListen(host: string, port: number | undefined): Promise<void> {
  await checkHost(host);
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port ?? 0, host, () => probe.close(() => resolve()));
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new UsageError('DEVCAP_PORT_IN_USE', `port ${port} is in use; choose another --port or leave it out for a free one`);
    if (error.code === 'EACCES') throw new PortDenied(`port ${port} needs privileges on this machine (below 1024); choose one from 1024 up, or leave --port out for a free one`);
    if (error.code === 'EADDRNOTAVAIL') throw new BadHost(`--host ${host} is not an address of this machine; e.g. --host 127.0.0.1, or --host 0.0.0.0 for every interface`);
    throw new BadHost(`cannot listen on ${host}${port ? ` port ${port}` : ''} (${error.code ?? error.message})`);
  });
}

export async function serveCommand(loaded: LoadedLab, wanted: string | undefined, options: ServeOptions): Promise<number> {
  const { lab } = loaded;
  const names = Object.keys(lab.variants);
  const variant = wanted ?? names[0]!;
  if (!Object.hasOwn(lab.variants, variant)) {
    throw new UnknownVariant(`lab ${lab.day} has no variant "${variant}"; variants: ${names.join(', ')}`);
  }
  const host = options.host ?? '127.0.0.1';
  const params = resolveParams(loaded, options.set ?? [], [loaded]);
  const config = resolveConfig(loaded, { quick: false, params, version: '', substitutes: {} });
  await checkListen(host, options.port);

  // Ctrl-C is how a served variant is meant to end: exit 0. SIGTERM and SIGHUP are not: 143 and 129.
  const session = openSession({
    interruptLine: (_signal, count) => `\ndevcap: stopped ${processes(count)}, nothing left running\n`,
    exitCode: (signal) => (signal === 'SIGINT' ? 0 : exitCodeFor(signal)),
  });
  session.handleSignals();

  const releases: Array<() => Promise<void>> = [];
  const quiet = { phase() {}, tick() {} };
  const provided = await provide({ loaded, config, progress: quiet, releases }, { redis: await resolvedRedis(undefined, false) });
  const skipped = provided.skipped.find((entry) => entry.variant === variant);
  if (skipped) throw new PrerequisiteError(`DEVCAP_${skipped.requires[0]!.toUpperCase()}_MISSING`, `${lab.slug}/${variant} cannot run here: ${skipped.reason}`);
  const env = { ...provided.env, DEVCAP_HOST: host, DEVCAP_COUNT_REQUESTS: '1', ...(options.port ? { DEVCAP_PORT: String(options.port) } : {}) };
  // With its companions (a queue's workers, the services of a split system), as in a lab run.
  const group = await VariantGroup.start(loaded, variant, config, env).catch((error: Error) => {
    if (options.port && /EADDRINUSE/.test(error.message)) throw new UsageError('DEVCAP_PORT_IN_USE', `port ${options.port} is in use; choose another --port or leave it out for a free one`);
    throw error;
  });
  const server = group.server;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${server.port}`;
  process.stdout.write(servingText(loaded, variant, url, provided.services) + '\n');
  if (!LOOPBACK.has(host)) process.stderr.write(`devcap: serving on ${host}: anyone who can reach this machine can send it requests\n`);

  await server.probe('reset');
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (session.stopping) return ExitCode.ok;
    if (!server.alive) {
      await session.release();
      process.stderr.write(`devcap: DEVCAP_VARIANT_CRASHED: ${lab.slug}/${variant} exited${server.errorLine() ? `: ${server.errorLine()}` : ''}\n`);
      return ExitCode.runFailed;
    }
    if (!options.live) continue;
    const reading = await server.probe('read').catch(() => null);
    await server.probe('reset').catch(() => {});
    if (!reading || session.stopping) continue;
    const line =
      `${Math.round(reading.requests / (reading.wallMs / 1000))} req/s · ` +
      `loop delay p99 ${reading.eventLoopDelayP99Ms.toFixed(1)} ms · ` +
      `CPU ${Math.round(reading.serverCpuCores * 100)}% · RSS ${Math.round(reading.rssPeakBytes / 2 ** 20)} MiB`;
    process.stderr.write(`\r${line.slice(0, Math.max(0, (process.stderr.columns ?? 80) - 1)).padEnd(Math.min(79, (process.stderr.columns ?? 80) - 1))}`);
  }
}
