import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabResult } from '../src/report/result.js';
import { requireChromium } from './chromium.js';
import { runCli } from './run-cli.js';

// `devcap lab 1 --quick --html r.html`, then the page in a real headless Chromium: every
// chart drawn, a dot per run, nothing logged as an error, nothing fetched.
const dir = mkdtempSync(join(tmpdir(), 'devcap-html-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lab 1 --quick --html, opened in Chromium', () => {
  it('draws every chart from the result, with no error and no request', async () => {
    const executablePath = requireChromium();

    const page = join(dir, 'r.html');
    const out = join(dir, 'r.jsonl');
    const run = await runCli(['lab', '1', '--quick', '--html', page, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    // An extra file: the terminal report is still on stdout.
    expect(run.stdout).toMatch(/Day 1 · hello-throughput/);
    expect(run.stderr).toContain(`devcap: wrote the HTML page to ${page}\n`);
    const result = JSON.parse(readFileSync(out, 'utf8').trim()) as LabResult;
    const html = readFileSync(page, 'utf8');
    for (const claim of result.claims) expect(html).toContain(`data-claim="${claim.id}" data-verdict="${claim.verdict}"`);

    const browser = await chromium.launch({ executablePath });
    try {
      const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
      });
      tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      tab.on('request', (request) => requests.push(request.url()));
      const url = pathToFileURL(page).href;
      await tab.goto(url, { waitUntil: 'load' });

      const charts = await tab.evaluate(() => {
        const Chart = (window as unknown as { Chart: { getChart(canvas: HTMLCanvasElement): { data: { datasets: Array<{ data: unknown[] }> } } | undefined } }).Chart;
        return [...document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')].map((canvas) => {
          const chart = Chart.getChart(canvas);
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
          return { kind: canvas.dataset.chart, width: canvas.width, painted, datasets: chart ? chart.data.datasets.map((set) => set.data.length) : null };
        });
      });

      const judged = result.claims.filter((claim) => claim.ci95 || claim.kind === 'count');
      // The last round second by second: req/s, event-loop delay, loop utilisation and RSS.
      expect(charts.map((chart) => chart.kind)).toEqual(['rounds', 'timeline', 'timeline', 'timeline', 'timeline', ...judged.map(() => 'interval'), ...(result.model ? ['model'] : [])]);
      for (const chart of charts) {
        expect(chart.datasets, `${chart.kind}: a Chart.js chart on the canvas`).not.toBeNull();
        expect(chart.width).toBeGreaterThan(0);
        expect(chart.painted, `${chart.kind}: pixels drawn`).toBeGreaterThan(100);
      }
      const rounds = charts[0]!;
      expect(rounds.datasets).toHaveLength(new Set(result.runs.map((r) => r.variant)).size);
      expect(rounds.datasets!.reduce((sum, count) => sum + count, 0)).toBe(result.runs.length);
      for (const chart of charts.filter((chart) => chart.kind === 'interval')) expect(chart.datasets![0]).toBe(1);

      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await browser.close();
    }
    expect(statSync(page).size).toBeGreaterThan(0);
  }, 120_000);
});
