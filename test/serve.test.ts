import { describe, expect, it } from 'vitest';
import { childrenOf, isAlive, runCli } from './run-cli.js';

/** Resolves with the serving URL once the CLI has printed it. */
function servingUrl(run: ReturnType<typeof runCli>): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no URL within 20 s: ${text}`)), 20_000);
    run.child.stdout!.on('data', (chunk: Buffer | string) => {
      text += chunk.toString();
      const match = /serving at (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
}

describe('devcap serve', () => {
  it('serves one variant until Ctrl-C, then stops everything it started and exits 0', async () => {
    const run = runCli(['serve', '2', 'pbkdf2-async']);
    const url = await servingUrl(run);
    const ping = await fetch(`${url}/ping`);
    expect(ping.status).toBe(200);
    const work = await fetch(`${url}/work`);
    expect(work.status).toBe(200);
    expect(await work.text()).toMatch(/^[0-9a-f]{128}$/);
    const children = await childrenOf(run.child.pid!);
    expect(children.length).toBeGreaterThan(0);
    run.child.kill('SIGINT');
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`curl -i ${url}/work`);
    expect(result.stderr).toMatch(/stopped 1 process, nothing left running/);
    for (const pid of children) expect(isAlive(pid), `child ${pid}`).toBe(false);
    await expect(fetch(`${url}/ping`)).rejects.toThrow();
  }, 30_000);

  it('starts what the variant needs: lab 4 serves through its remote service', async () => {
    const run = runCli(['serve', 'promise-all', 'promise-all']);
    const url = await servingUrl(run);
    const dashboard = await fetch(`${url}/dashboard/1`);
    expect(dashboard.status).toBe(200);
    expect(Object.keys((await dashboard.json()) as object)).toEqual(expect.arrayContaining(['user', 'posts', 'notifications']));
    run.child.kill('SIGINT');
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/started for it:\n {2}remote-apis: /);
  }, 30_000);

  it('an unknown variant is a usage error naming the ones that exist', async () => {
    const result = await runCli(['serve', '2', 'pbkdf2-turbo']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('devcap: DEVCAP_UNKNOWN_VARIANT: lab 2 has no variant "pbkdf2-turbo"; variants: pbkdf2-sync, pbkdf2-async, worker-pool\n');
  });
});
