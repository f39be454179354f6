import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioContext } from '../lab/types.js';
import { badFrom, Clients, runStep } from './scenario.js';

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => res.end(req.url === '/who' ? req.socket.remoteAddress : '<html>not json</html>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// A step here never touches the processes: any use of them fails the test.
const untouchable = new Proxy({}, { get: (_target, key) => { throw new Error(`a step used processes.${String(key)}`); } }) as ScenarioContext['processes'];
const context = (): ScenarioContext => ({ vars: {}, params: {}, env: {}, serverOutput: () => '', port, processes: untouchable });

describe('a scenario step whose own code throws', () => {
  it('a check that throws (JSON.parse of an unexpected body) fails its step with the message, not the run', async () => {
    const agent = new Clients();
    try {
      const result = await runStep(port, { name: 'reads JSON', path: '/', expectStatus: 200, check: (response) => (JSON.parse(response.body) as { ok: boolean }).ok ? null : 'not ok' }, agent, context());
      expect(result.passed).toBe(false);
      expect(result.failure).toMatch(/^check failed: .*JSON/);
      expect(result.statusCounts).toEqual({ 200: 1 });
    } finally {
      agent.destroy();
    }
  });

  it('an action that throws fails its step with the message', async () => {
    const agent = new Clients();
    try {
      const result = await runStep(port, { name: 'changes the world', action: () => { throw new Error('database gone'); } }, agent, context());
      expect(result).toMatchObject({ passed: false, failure: 'action failed: database gone' });
    } finally {
      agent.destroy();
    }
  });
});

describe("a scenario step's expected answer", () => {
  it('holds for every response of the step, not only the last', async () => {
    const agent = new Clients();
    try {
      const right = await runStep(port, { name: 'the page', path: '/', repeat: 3, expectStatus: 200, expect: { body: '<html>not json</html>' } }, agent, context());
      expect(right).toMatchObject({ passed: true, failure: null, statusCounts: { 200: 3 } });
      const wrong = await runStep(port, { name: 'JSON', path: '/', repeat: 2, expectStatus: 200, expect: { json: { ok: true } } }, agent, context());
      expect(wrong.passed).toBe(false);
      expect(wrong.failure).toBe('2 wrong answers, the first: answer 1 of 2: body "<html>not json</html>" is not JSON');
    } finally {
      agent.destroy();
    }
  });
});

describe('a step from another client address', () => {
  it('reaches the server from that address, on a connection of its own, and the default client stays 127.0.0.1', async () => {
    const clients = new Clients();
    try {
      const second = await runStep(port, { name: 'second client', path: '/who', from: '127.0.0.2', expectStatus: 200, expect: { body: '127.0.0.2' } }, clients, context());
      expect(second).toMatchObject({ passed: true, request: 'GET /who from 127.0.0.2' });
      const parallel = await runStep(port, { name: 'third, at once', path: '/who', from: '127.0.0.3', parallel: 3, expectStatus: 200, expect: { body: '127.0.0.3' } }, clients, context());
      expect(parallel.passed).toBe(true);
      const first = await runStep(port, { name: 'default client', path: '/who', expectStatus: 200, expect: { body: '127.0.0.1' } }, clients, context());
      expect(first.passed).toBe(true);
    } finally {
      clients.destroy();
    }
  });

  it('refuses an address that is not loopback, failing the step before any request', async () => {
    expect(badFrom('127.0.0.2')).toBeNull();
    expect(badFrom('127.0.0.256')).toMatch(/loopback/);
    expect(badFrom('10.0.0.2')).toMatch(/loopback/);
    const clients = new Clients();
    try {
      const result = await runStep(port, { name: 'elsewhere', path: '/who', from: '192.0.2.1', expectStatus: 200 }, clients, context());
      expect(result).toMatchObject({ passed: false, statusCounts: {} });
      expect(result.failure).toMatch(/from must be a loopback address/);
    } finally {
      clients.destroy();
    }
  });
});
