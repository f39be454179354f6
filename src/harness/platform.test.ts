import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { commandLine, isStillOurs } from './ownership.js';
import { procAvailable, psCommandLine, shellOpenFileLimit } from './platform.js';
import { openFileLimit } from './preflight.js';

afterEach(() => {
  delete process.env.DEVCAP_PLATFORM_NO_PROC;
});

describe('procAvailable', () => {
  it('is Linux, unless DEVCAP_PLATFORM_NO_PROC=1 says to act as a machine without /proc', () => {
    expect(procAvailable({})).toBe(process.platform === 'linux');
    expect(procAvailable({ DEVCAP_PLATFORM_NO_PROC: '1' })).toBe(false);
  });
});

// The portable calls must read what /proc reads, or the sweep on a Mac would spare or kill the wrong pids.
describe.skipIf(process.platform !== 'linux')('without /proc, the same facts from portable calls', () => {
  it('ps gives the command line /proc gives, an empty argument included; a gone pid gives null', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '', 'a b']);
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const fromProc = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      expect(psCommandLine(child.pid!)).toBe(fromProc.replace(/\s+/g, ' '));
      process.env.DEVCAP_PLATFORM_NO_PROC = '1';
      expect(commandLine(child.pid!)).toBe(psCommandLine(child.pid!));
      expect(isStillOurs({ pid: child.pid!, signatures: [child.spawnargs.filter(Boolean).join(' ')] })).toBe(true);
      expect(isStillOurs({ pid: child.pid!, signatures: ['redis-server 127.0.0.1:1'] })).toBe(false);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(psCommandLine(child.pid!)).toBeNull();
  });

  it("the shell's ulimit -n is the limit /proc/self/limits shows", () => {
    const fromProc = openFileLimit();
    process.env.DEVCAP_PLATFORM_NO_PROC = '1';
    expect(shellOpenFileLimit()).toBe(fromProc);
    expect(openFileLimit()).toBe(fromProc);
  });
});
