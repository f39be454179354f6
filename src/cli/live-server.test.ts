import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startLiveServer } from './live-server.js';

/** A GET with its status, headers and body (the stream read until the server ends it). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const ids = (body: string) => [...body.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
const types = (body: string) => [...body.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);

describe('the --live server', () => {
  it('serves the page with a CSP that allows no outside request, and refuses everything else', async () => {
    const live = await startLiveServer('devcap · live · test');
    try {
      const page = await get(live.url);
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toMatch(/default-src 'none'.*connect-src 'self'/);
      expect(page.body).toContain('new EventSource(');
      expect(page.body).not.toMatch(/src="http|href="http/);
      expect((await get(live.url + '../../etc/passwd')).status).toBe(404);
      expect((await get(live.url + '%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
      expect((await get(live.url + 'report.html')).status).toBe(404);
      expect((await get(live.url, { host: 'evil.example:80' })).status).toBe(421);
    } finally {
      await live.finish(null);
    }
  });

  it('replays every event to a late page, and only the missed ones after Last-Event-ID; ends the streams when the run ends', async () => {
    const live = await startLiveServer('t');
    live.publish({ type: 'failure', failure: { schemaVersion: 1, lab: { day: 1, slug: 'a', title: 'A' }, error: { code: 'DEVCAP_X', message: 'one', exitCode: 4 } } });
    live.publish({ type: 'failure', failure: { schemaVersion: 1, lab: { day: 2, slug: 'b', title: 'B' }, error: { code: 'DEVCAP_X', message: 'two', exitCode: 4 } } });
    const late = get(live.url + 'events');
    const resumed = get(live.url + 'events', { 'last-event-id': '1' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await live.finish('<p>final</p>');
    const [all, rest] = await Promise.all([late, resumed]);
    expect(all.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(types(all.body)).toEqual(['reset', 'failure', 'failure', 'page', 'end']);
    expect(ids(all.body)).toEqual([1, 2, 3, 4]);
    expect(all.body).toContain('"html":"<p>final</p>"');
    expect(ids(rest.body)).toEqual([2, 3, 4]);
    expect(types(rest.body)).not.toContain('reset');
    await expect(get(live.url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a page that stopped reading does not keep the run from ending', async () => {
    const live = await startLiveServer('t');
    const { hostname, port } = new URL(live.url);
    const { connect } = await import('node:net');
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`GET /events HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
    socket.pause(); // never reads again
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await live.finish('x'.repeat(20 * 1024 * 1024));
    expect(Date.now() - started).toBeLessThan(5000);
    socket.destroy();
  });

  it('a port in use is a usage error naming --live-port', async () => {
    const first = await startLiveServer('t');
    const port = Number(new URL(first.url).port);
    try {
      await expect(startLiveServer('t', port)).rejects.toMatchObject({ code: 'DEVCAP_LIVE_PORT_IN_USE', exitCode: 2 });
    } finally {
      await first.finish(null);
    }
  });
});
