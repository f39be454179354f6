/**
 * A variant as it runs: its own process plus the companions its definition asks for
 * (queue workers, the services of a split system, a process of clients). Companions start
 * fresh with every process of the variant, are owned by the run like it, and stop with it.
 */
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import type { LoadedLab } from '../lab/registry.js';
import type { CompanionDefinition, CompanionProcess, VariantProcesses } from '../lab/types.js';
import type { RunConfig } from '../report/result.js';
import { VariantProcess } from './variant-process.js';

/** Lab parameters as the environment variables every process of the lab gets. */
export function paramEnv(loaded: LoadedLab, config: RunConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(loaded.lab.params ?? {})) env[parameter.env] = String(config.params[name]);
  return env;
}

/** `user-api` → `USER_API`: the stem of `<NAME>_URL`. */
export function envStem(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** The variant's own process alone (no companions). */
export function startVariant(loaded: LoadedLab, variant: string, config: RunConfig, env: Record<string, string>): Promise<VariantProcess> {
  return VariantProcess.start({
    name: `${loaded.lab.slug}/${variant}`,
    file: config.substitutes[variant] ?? loaded.variantPath(variant),
    env: { ...env, ...loaded.lab.variants[variant]!.env, ...paramEnv(loaded, config) },
    readyPath: loaded.lab.workload.readyPath,
    readyStatus: loaded.lab.workload.readyStatus ?? 200,
  });
}

/** Where `devcap serve` put the variant; a companion always takes a free loopback port of its own. */
const SERVER_ONLY = ['DEVCAP_PORT', 'DEVCAP_HOST', 'DEVCAP_COUNT_REQUESTS'];

export class VariantGroup implements VariantProcesses {
  readonly companions: Record<string, CompanionProcess[]> = {};
  private readonly processes: VariantProcess[] = [];
  private serverProcess: VariantProcess | undefined;
  private serverEnv: Record<string, string> = {};
  private serverPort = 0;
  private readonly definitions: Record<string, CompanionDefinition>;

  private constructor(
    private readonly loaded: LoadedLab,
    private readonly variant: string,
    private readonly config: RunConfig,
    private readonly env: Record<string, string>,
  ) {
    this.definitions = loaded.lab.variants[variant]!.companions ?? {};
  }

  /** Companions marked `before`, then the variant (given their URLs), then those marked `after`. */
  static async start(loaded: LoadedLab, variant: string, config: RunConfig, env: Record<string, string>): Promise<VariantGroup> {
    const group = new VariantGroup(loaded, variant, config, env);
    try {
      const entries = Object.entries(group.definitions);
      const before = entries.filter(([, definition]) => (definition.start ?? 'before') === 'before');
      const after = entries.filter(([, definition]) => definition.start === 'after');
      await Promise.all(before.flatMap(([name, definition]) => Array.from({ length: definition.count ?? 1 }, () => group.startCompanion(name))));
      const urls: Record<string, string> = {};
      for (const [name] of before) {
        const copies = group.companions[name]!.map((companion) => `http://127.0.0.1:${companion.port}`);
        urls[`${envStem(name)}_URL`] = copies[0]!;
        urls[`${envStem(name)}_URLS`] = copies.join(',');
      }
      group.serverEnv = { ...env, ...urls };
      group.serverProcess = await startVariant(loaded, variant, config, group.serverEnv);
      group.serverPort = group.serverProcess.port;
      await Promise.all(after.flatMap(([name, definition]) => Array.from({ length: definition.count ?? 1 }, () => group.startCompanion(name))));
      return group;
    } catch (error) {
      await group.stop();
      throw error;
    }
  }

  /** The variant's own process (after `restartServer`, the new one). */
  get server(): VariantProcess {
    if (!this.serverProcess) throw new HarnessError('DEVCAP_INTERNAL', `${this.loaded.lab.slug}/${this.variant} has no server process`);
    return this.serverProcess;
  }

  get port(): number {
    return this.serverPort;
  }

  async startCompanion(name: string): Promise<CompanionProcess> {
    const definition = this.definitions[name];
    if (!definition) {
      throw new HarnessError('DEVCAP_INTERNAL', `${this.loaded.lab.slug}/${this.variant} has no companion "${name}"; it has: ${Object.keys(this.definitions).join(', ') || 'none'}`);
    }
    const copies = (this.companions[name] ??= []);
    // Taken before the await, so copies started together get distinct indices.
    const index = copies.length + this.pending(name);
    this.starting.set(name, this.pending(name) + 1);
    const env: Record<string, string> = {
      ...this.env,
      ...this.loaded.lab.variants[this.variant]!.env,
      ...definition.env,
      ...paramEnv(this.loaded, this.config),
      COMPANION_INDEX: String(index),
      ...(definition.start === 'after' ? { SERVER_URL: `http://127.0.0.1:${this.serverPort}` } : {}),
    };
    for (const key of SERVER_ONLY) delete env[key];
    let started: VariantProcess;
    try {
      started = await VariantProcess.start({
        name: `${this.loaded.lab.slug}/${this.variant}/${name}${(definition.count ?? 1) > 1 || index > 0 ? `#${index}` : ''}`,
        file: join(this.loaded.compiledDir, definition.file),
        env,
        readyPath: definition.readyPath,
      });
    } finally {
      this.starting.set(name, this.pending(name) - 1);
    }
    this.processes.push(started);
    const companion: CompanionProcess = {
      name,
      index,
      port: started.port,
      pid: started.pid,
      get alive() {
        return started.alive;
      },
      output: () => started.outputText(),
      kill: (signal) => started.kill(signal),
    };
    copies.push(companion);
    copies.sort((a, b) => a.index - b.index);
    return companion;
  }

  private readonly starting = new Map<string, number>();

  private pending(name: string): number {
    return this.starting.get(name) ?? 0;
  }

  async stopServer(): Promise<void> {
    await this.serverProcess?.stop();
  }

  async restartServer(): Promise<void> {
    const old = this.serverProcess;
    if (old?.alive) await old.stop();
    // The same port, so clients that reconnect to the old address find the new process.
    this.serverProcess = await startVariant(this.loaded, this.variant, this.config, { ...this.serverEnv, DEVCAP_PORT: String(this.serverPort) });
  }

  /** The variant first (it may still be talking to its companions), then every companion. */
  async stop(): Promise<void> {
    await this.serverProcess?.stop();
    await Promise.all(this.processes.map((process) => process.stop()));
  }
}
