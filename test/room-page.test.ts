import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabResult } from '../src/report/result.js';
import { requireChromium } from './chromium.js';
import { postJson, startRoomCli } from './room-helpers.js';
import { runCli } from './run-cli.js';

// The room's page in a real headless Chromium while three `devcap lab 1 --quick --room`
// learners send their results: each arrives without a reload, a hostile name shows as text
// and runs nothing, and nothing is fetched from outside the room.
const dir = mkdtempSync(join(tmpdir(), 'devcap-room-page-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = JSON.parse(readFileSync(new URL('./fixtures/lab-result.json', import.meta.url), 'utf8')) as LabResult;

describe('devcap room, watched in Chromium while three learners send results', () => {
  it('shows each result as it arrives, names as text, and asks for nothing outside', async () => {
    const executablePath = requireChromium();
    const room = await startRoomCli(join(dir, 'room-state'));
    const browser = await chromium.launch({ executablePath });
    try {
      const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      let navigations = 0;
      tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      tab.on('dialog', (dialog) => {
        problems.push(`a dialog opened: ${dialog.message()}`);
        void dialog.dismiss();
      });
      tab.on('request', (request) => requests.push(request.url()));
      tab.on('framenavigated', (frame) => {
        if (frame === tab.mainFrame()) navigations++;
      });
      await tab.goto(room.base + '/');
      const count = () => tab.evaluate(() => Number(document.getElementById('room-status')!.dataset.count ?? 0));

      const hostile = '<script>alert(1)</script><b>Eve</b>';
      expect((await postJson(room.join, { name: hostile, kind: 'lab', result: fixture })).status).toBe(201);
      await tab.waitForFunction(() => document.getElementById('room-status')!.dataset.count === '1');
      const shown = await tab.evaluate(() => ({ text: document.body.innerText, bold: document.querySelectorAll('main b').length, scripts: document.querySelectorAll('main script').length }));
      expect(shown.text).toContain(hostile);
      expect(shown.bold).toBe(0);
      expect(shown.scripts).toBe(0);

      for (const learner of ['Ana', 'Bo', 'Chen']) {
        const before = await count();
        const run = await runCli(['lab', '1', '--quick', '--room', room.join, '--name', learner], { env: { DEVCAP_STATE_DIR: join(dir, learner) } });
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).toContain(`devcap: sent lab 1's result to the room as "${learner}"`);
        await tab.waitForFunction((n) => Number(document.getElementById('room-status')!.dataset.count) === n, before + 1, { timeout: 10_000 });
        expect(await tab.evaluate((name) => document.querySelector('section[data-lab="1"]')?.textContent?.includes(name + ': '), learner)).toBe(true);
      }
      // Every claim of lab 1 counted over the three learners' latest runs.
      const counts = await tab.evaluate(() =>
        [...document.querySelectorAll('section[data-lab="1"] li.claim')].map((item) => [...item.querySelectorAll<HTMLElement>('[data-verdict]')].reduce((sum, part) => sum + parseInt(part.textContent!, 10), 0)),
      );
      expect(counts.length).toBeGreaterThan(0);
      for (const total of counts) expect(total).toBe(3);
      expect(await tab.evaluate(() => document.querySelectorAll('table[data-machines] tr').length)).toBe(1 + 4);

      expect(navigations).toBe(1);
      expect(problems).toEqual([]);
      expect(requests.filter((url) => !url.startsWith(room.base + '/'))).toEqual([]);
      expect(requests.filter((url) => url !== room.base + '/' && url !== room.base + '/events')).toEqual([]);
    } finally {
      await browser.close();
      await room.stop();
    }
  }, 180_000);
});
