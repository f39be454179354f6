import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabResult } from '../src/report/result.js';
import { requireChromium } from './chromium.js';
import { runCli } from './run-cli.js';

// `devcap lab 1 --quick --live` opened in a real headless Chromium while it runs: dots arrive
// before the run ends, a page opened late is sent everything so far, each claim's interval is
// drawn round by round, and when the run ends the page becomes the --html page. Nothing is
// fetched from anywhere but the live server.
const dir = mkdtempSync(join(tmpdir(), 'devcap-live-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Points drawn on the live page's rounds chart and on its interval charts, by claim. */
function livePoints(tab: Page) {
  return tab.evaluate(() => {
    const Chart = (window as unknown as { Chart?: { getChart(canvas: HTMLCanvasElement): { data: { datasets: Array<{ data: unknown[] }> } } | undefined } }).Chart;
    const count = (canvas: HTMLCanvasElement | null) => {
      const chart = canvas && Chart?.getChart(canvas);
      return chart ? chart.data.datasets.reduce((sum, set) => sum + set.data.length, 0) : 0;
    };
    const intervals = Object.fromEntries([...document.querySelectorAll<HTMLCanvasElement>('canvas[data-live="interval"]')].map((canvas) => [canvas.dataset.claim!, count(canvas)]));
    return { dots: count(document.querySelector<HTMLCanvasElement>('canvas[data-live="rounds"]')), intervals };
  });
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('lab 1 --quick --live, watched in Chromium', () => {
  it('shows the run as it happens, replays it to a late page, then becomes the --html page', async () => {
    const executablePath = requireChromium();
    const out = join(dir, 'r.jsonl');
    const run = runCli(['lab', '1', '--quick', '--rounds', '6', '--live', '--out', out], { env: { DEVCAP_STATE_DIR: join(dir, 'state') } });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      run.child.stderr!.on('data', (text: Buffer) => {
        stderr += text.toString();
        const match = /devcap: live page at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      run.child.on('exit', () => reject(new Error(`devcap ended before printing the live URL: ${stderr}`)));
    });
    const origin = new URL(url).origin;
    let ended = false;
    run.child.on('exit', () => (ended = true));

    const browser = await chromium.launch({ executablePath });
    try {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      const outside: string[] = [];
      context.on('request', (request) => {
        if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) outside.push(request.url());
      });
      const tab = await context.newPage();
      tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      tab.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      await tab.goto(url);
      await tab.waitForSelector('[data-live="plan"]', { timeout: 30_000 });
      // Two runs drawn while devcap is still running: pushed, not written at the end.
      const early = await until('two dots', () => livePoints(tab), (points) => points.dots >= 2 || ended, 60_000);
      expect(ended, 'the run ended before the page showed two dots').toBe(false);
      expect(early.dots).toBeGreaterThanOrEqual(2);

      // A page opened late is sent everything so far at once.
      const late = await context.newPage();
      await late.goto(url);
      const caught = await until('the late page to catch up', () => livePoints(late), (points) => points.dots >= early.dots || ended, 10_000);
      if (!ended) expect(caught.dots).toBeGreaterThanOrEqual(early.dots);

      // Before the end, each judged claim's interval has a point per round after the second.
      const judged = await until('interval points', () => livePoints(tab), (points) => Object.values(points.intervals).some((count) => count > 0) || ended, 60_000);
      if (!ended) expect(Object.values(judged.intervals).some((count) => count > 0)).toBe(true);

      // The end: the --html page takes the live page's place, with the final verdicts.
      await tab.waitForSelector('canvas[data-chart="rounds"]', { timeout: 120_000 });
      const result = await run;
      expect(result.code, result.stderr).toBe(0);
      const saved = JSON.parse(readFileSync(out, 'utf8').trim()) as LabResult;
      const verdicts = await tab.evaluate(() => [...document.querySelectorAll<HTMLElement>('li.claim[data-claim]')].map((item) => [item.dataset.claim, item.dataset.verdict]));
      expect(verdicts).toEqual(saved.claims.map((claim) => [claim.id, claim.verdict]));
      expect(await tab.title()).toBe('devcap · day 1 · hello-throughput');
      expect(problems).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
      run.child.kill();
    }
  }, 180_000);
});
