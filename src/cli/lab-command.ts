import { existsSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { ExitCode, UsageError } from '../errors.js';
import { exitCodeFor, onInterrupt, ownedCount, releaseAll } from '../harness/cleanup.js';
import { sweep } from '../harness/ownership.js';
import { givenRedis } from '../infra/redis.js';
import { runLab } from '../harness/run-lab.js';
import { selectLabs, type LoadedLab } from '../lab/registry.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import type { LabResult } from '../report/result.js';
import { renderTerminal } from '../report/terminal.js';
import type { LabCommandOptions } from './index.js';
import { progressFor } from './progress.js';

/** Lab parameters: defaults, overridden by `--set`, checked against each lab's declared range. */
export function resolveParams(loaded: LoadedLab, settings: Record<string, number>, selected: LoadedLab[]): Record<string, number> {
  const declared = loaded.lab.params ?? {};
  for (const name of Object.keys(settings)) {
    if (!selected.some(({ lab }) => lab.params?.[name])) {
      const known = selected.flatMap(({ lab }) => Object.keys(lab.params ?? {}));
      throw new UsageError('DEVCAP_UNKNOWN_PARAM', `no parameter "${name}" here${known.length ? `; parameters: ${known.join(', ')}` : ''}`);
    }
  }
  const params: Record<string, number> = {};
  for (const [name, param] of Object.entries(declared)) {
    const value = settings[name] ?? param.default;
    if ((param.min !== undefined && value < param.min) || (param.max !== undefined && value > param.max)) {
      throw new UsageError('DEVCAP_BAD_PARAM', `${name} must be between ${param.min} and ${param.max} (got ${value})`);
    }
    params[name] = value;
  }
  return params;
}

/** `--variant name=file`: the name must be one of the lab's variants, the file must exist. */
export function resolveSubstitutes(selected: LoadedLab[], wanted: Record<string, string>): Record<string, string> {
  const substitutes: Record<string, string> = {};
  for (const [name, file] of Object.entries(wanted)) {
    if (selected.length !== 1) throw new UsageError('DEVCAP_BAD_OPTION', '--variant replaces a variant of one lab: name a lab, not "all"');
    const { lab } = selected[0]!;
    if (!Object.hasOwn(lab.variants, name)) {
      throw new UsageError('DEVCAP_UNKNOWN_VARIANT', `lab ${lab.day} has no variant "${name}"; variants: ${Object.keys(lab.variants).join(', ')}`);
    }
    const path = resolvePath(file);
    if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError('DEVCAP_NO_SUCH_FILE', `--variant ${name}=${file}: no such file`);
    if (!/\.(c|m)?js$/.test(path)) throw new UsageError('DEVCAP_BAD_OPTION', `--variant ${name}=${file}: give a JavaScript file (.js, .mjs or .cjs)`);
    substitutes[name] = path;
  }
  return substitutes;
}

export async function runLabCommand(labs: LoadedLab[], target: string, options: LabCommandOptions, version: string): Promise<number> {
  // What a run killed outright (SIGKILL, the OOM killer) left behind goes first.
  const swept = sweep();
  if (swept.removed && !options.json) process.stderr.write(`devcap: removed ${swept.removed} leftover${swept.removed === 1 ? '' : 's'} of an earlier run that did not end cleanly\n`);

  const selected = selectLabs(labs, target);
  const substitutes = resolveSubstitutes(selected, options.variant ?? {});
  if (options.claims) {
    const known = selected.flatMap(({ lab }) => lab.claims.map((claim) => claim.id));
    const unknown = options.claims.filter((id) => !known.includes(id));
    if (unknown.length) throw new UsageError('DEVCAP_UNKNOWN_CLAIM', `no claim "${unknown[0]}" here; claims: ${known.join(', ')}`);
  }
  const redis = givenRedis(options.redisUrl, Boolean(options.allowRemote));
  const settings = options.set ?? {};
  const plans = selected.map((loaded) => ({ loaded, params: resolveParams(loaded, settings, selected) }));
  const color = options.color !== false && !options.json && process.stdout.isTTY && !process.env.NO_COLOR;

  const { progress, stop } = await progressFor(options);
  onInterrupt((signal) => {
    stop();
    const count = ownedCount();
    void releaseAll().finally(() => {
      process.stderr.write(`devcap: interrupted (${signal}); stopped ${count} process${count === 1 ? '' : 'es'}, nothing left running\n`);
      process.exit(exitCodeFor(signal));
    });
  });

  const results: LabResult[] = [];
  try {
    for (const { loaded, params } of plans) {
      const result = await runLab(
        loaded,
        { quick: Boolean(options.quick), durationSec: options.duration, connections: options.connections, rounds: options.rounds, params, version, substitutes, claims: options.claims, redis },
        progress,
      );
      results.push(result);
      if (options.markdown) {
        stop();
        process.stdout.write(renderMarkdown(result) + '\n\n');
      } else if (!options.json) {
        stop();
        process.stdout.write(renderTerminal(result, { color }) + '\n\n');
      }
    }
  } finally {
    stop();
    await releaseAll();
  }
  if (options.json) process.stdout.write(renderJson(results, target !== 'all') + '\n');

  const verdicts = results.flatMap((result) => result.claims.map((claim) => claim.verdict));
  if (verdicts.includes('invalid')) return ExitCode.runFailed;
  if (verdicts.includes('contradicted')) return ExitCode.contradicted;
  if (options.strict && verdicts.includes('inconclusive')) return ExitCode.contradicted;
  return ExitCode.ok;
}
