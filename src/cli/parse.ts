import { BadOption, UsageError } from '../errors.js';
import type { LabParameter } from '../lab/types.js';

/** Option values, checked at parse time so bad input never reaches a run. */
export function positiveInteger(flag: string, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      throw new BadOption(`${flag} takes a whole number from ${min} to ${max} (got "${raw}")`);
    }
    return value;
  };
}

/** `--set name=value`, repeatable: collected as given, and checked against the lab's parameters (see `lab-command.ts`). */
export function collectSetting(raw: string, previous: string[] = []): string[] {
  return [...previous, raw];
}

/** "from 1 to 3600", "from 0", "up to 10", or "" for a parameter without bounds. */
export function rangeOf(param: LabParameter): string {
  if (param.min !== undefined && param.max !== undefined) return `from ${param.min} to ${param.max}`;
  if (param.min !== undefined) return `from ${param.min}`;
  if (param.max !== undefined) return `up to ${param.max}`;
  return '';
}

/**
 * A parameter's value: plain decimal digits (a fraction only where the lab declares
 * `integer: false`), within its range. No exponent, hex, `Infinity` or blank forms, which
 * `Number()` would take.
 */
export function kindOf(param: LabParameter): string {
  const range = rangeOf(param);
  return `${param.integer === false ? 'a decimal number' : 'a whole number'}${range ? ` ${range}` : ''}`;
}

export function paramValue(name: string, param: LabParameter, raw: string): number {
  const integer = param.integer !== false;
  const pattern = integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
  const value = Number(raw);
  const inRange = (param.min === undefined || value >= param.min) && (param.max === undefined || value <= param.max);
  if (!pattern.test(raw) || !Number.isFinite(value) || (integer && !Number.isSafeInteger(value)) || !inRange) {
    throw new UsageError('DEVCAP_BAD_PARAM', `${name} takes ${kindOf(param)} (got "${raw}")`);
  }
  return value;
}

/** `--variant name=file`, repeatable: the file runs in place of the lab's variant `name`. */
export function collectSubstitute(raw: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([a-z0-9][a-z0-9-]*)=(.+)$/.exec(raw);
  if (!match) throw new BadOption(`--variant takes name=file, e.g. --variant pbkdf2-sync=./my-server.js (got "${raw}")`);
  return { ...previous, [match[1]!]: match[2]! };
}

/** `--claims a,b`: claim ids, comma-separated. */
export function claimList(raw: string): string[] {
  const ids = raw.split(',').map((id) => id.trim());
  if (ids.some((id) => !/^[a-z0-9][a-z0-9-]*$/.test(id))) throw new BadOption(`--claims takes claim ids separated by commas, e.g. --claims ping-p50-sync-vs-async (got "${raw}")`);
  return ids;
}

/** `--diff a,b`: two variant or control names. */
export function pair(raw: string): [string, string] {
  const names = raw.split(',').map((name) => name.trim());
  if (names.length !== 2 || names.some((name) => !/^[a-z0-9][a-z0-9/-]*$/.test(name))) {
    throw new BadOption(`--diff takes two names separated by a comma, e.g. --diff pbkdf2-sync,pbkdf2-async (got "${raw}")`);
  }
  return names as [string, string];
}
