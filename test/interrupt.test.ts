import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { childrenOf, isAlive, runCli, waitUntilGone } from './run-cli.js';

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

describe('Ctrl-C mid-run', () => {
  it('stops every child, says "interrupted" and exits 130', async () => {
    const run = runCli(['lab', '2']);
    const pid = run.child.pid!;
    const seen = new Set<number>();
    // wait until a variant process is up and under load
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      for (const child of await childrenOf(pid)) if (cmdline(child).includes('/variants/')) seen.add(child);
      if (seen.size) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seen.size).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 700));
    for (const child of await childrenOf(pid)) seen.add(child);
    run.child.kill('SIGINT');
    const result = await run;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    await waitUntilGone(seen);
    for (const child of seen) expect(isAlive(child), `child ${child} (${cmdline(child)}) still running`).toBe(false);
  });
});
