import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFolder, whyNot } from './folders.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'devcap-folders-'));
  made.push(dir);
  return dir;
}
function reason(dir: string): string {
  try {
    makeFolder(dir);
  } catch (error) {
    return whyNot(error, dir);
  }
  return 'made';
}

describe('makeFolder', () => {
  it('makes every missing level, and a folder that is there is fine', () => {
    const dir = join(scratch(), 'a', 'b', 'c');
    makeFolder(dir);
    expect(existsSync(dir)).toBe(true);
    makeFolder(dir);
  });

  it.skipIf(process.platform !== 'linux')('fails at once under /proc, where a recursive mkdirSync never returns', () => {
    const started = Date.now();
    expect(reason('/proc/nope/deeper')).toBe('no such directory: /proc');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('says which file is in the way', () => {
    const base = scratch();
    writeFileSync(join(base, 'file'), '');
    expect(reason(join(base, 'file'))).toBe(`not a directory: ${join(base, 'file')}`);
    expect(reason(join(base, 'file', 'x', 'y'))).toBe(`not a directory: ${join(base, 'file')}`);
  });
});
