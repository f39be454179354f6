import { UsageError } from '../errors.js';

/** Option values, checked at parse time so bad input never reaches a run. */
export function positiveInteger(flag: string, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      throw new UsageError('DEVCAP_BAD_OPTION', `${flag} takes a whole number from ${min} to ${max} (got "${raw}")`);
    }
    return value;
  };
}

/** `--set name=value`, repeatable. */
export function collectSetting(raw: string, previous: Record<string, number> = {}): Record<string, number> {
  const match = /^([a-zA-Z][\w-]*)=(.+)$/.exec(raw);
  const value = match ? Number(match[2]) : Number.NaN;
  if (!match || !Number.isFinite(value)) {
    throw new UsageError('DEVCAP_BAD_OPTION', `--set takes name=number, e.g. --set iterations=120000 (got "${raw}")`);
  }
  return { ...previous, [match[1]!]: value };
}

/** `--variant name=file`, repeatable: the file runs in place of the lab's variant `name`. */
export function collectSubstitute(raw: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([a-z0-9][a-z0-9-]*)=(.+)$/.exec(raw);
  if (!match) throw new UsageError('DEVCAP_BAD_OPTION', `--variant takes name=file, e.g. --variant pbkdf2-sync=./my-server.js (got "${raw}")`);
  return { ...previous, [match[1]!]: match[2]! };
}

/** `--claims a,b`: claim ids, comma-separated. */
export function claimList(raw: string): string[] {
  const ids = raw.split(',').map((id) => id.trim());
  if (ids.some((id) => !/^[a-z0-9][a-z0-9-]*$/.test(id))) throw new UsageError('DEVCAP_BAD_OPTION', `--claims takes claim ids separated by commas, e.g. --claims ping-p50-sync-vs-async (got "${raw}")`);
  return ids;
}

/** `--diff a,b`: two variant or control names. */
export function pair(raw: string): [string, string] {
  const names = raw.split(',').map((name) => name.trim());
  if (names.length !== 2 || names.some((name) => !/^[a-z0-9][a-z0-9/-]*$/.test(name))) {
    throw new UsageError('DEVCAP_BAD_OPTION', `--diff takes two names separated by a comma, e.g. --diff pbkdf2-sync,pbkdf2-async (got "${raw}")`);
  }
  return names as [string, string];
}
