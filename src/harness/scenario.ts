import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ScenarioClaim, ScenarioResponse, ScenarioStep } from '../lab/types.js';
import type { ClaimResult, ScenarioStepResult } from '../report/result.js';

/** One request on loopback, body read in full. */
export function send(agent: Agent, port: number, step: Pick<ScenarioStep, 'method' | 'path' | 'headers' | 'body'>): Promise<ScenarioResponse> {
  const sent = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...step.headers };
    if (step.body !== undefined) headers['content-length'] ??= String(Buffer.byteLength(step.body));
    const req = request({ host: '127.0.0.1', port, path: step.path, method: step.method ?? 'GET', headers, agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, elapsedMs: performance.now() - sent }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(step.body);
  });
}

function describe(step: ScenarioStep): string {
  return `${step.method ?? 'GET'} ${step.path}${step.repeat && step.repeat > 1 ? ` × ${step.repeat}` : ''}`;
}

function counts(record: Record<string | number, number>): string {
  return Object.entries(record)
    .map(([status, count]) => `${count} × ${status}`)
    .join(', ');
}

export async function runStep(port: number, step: ScenarioStep, agent: Agent): Promise<ScenarioStepResult> {
  const statusCounts: Record<string, number> = {};
  let last: ScenarioResponse | undefined;
  let failure: string | null = null;
  for (let i = 0; i < (step.repeat ?? 1); i++) {
    try {
      last = await send(agent, port, step);
      statusCounts[last.status] = (statusCounts[last.status] ?? 0) + 1;
    } catch (error) {
      failure = `request failed: ${(error as Error).message}`;
      break;
    }
  }
  if (!failure && step.expectStatus !== undefined) {
    const wrong = Object.keys(statusCounts).filter((status) => Number(status) !== step.expectStatus);
    if (wrong.length) failure = `expected ${step.expectStatus}, got ${counts(statusCounts)}`;
  }
  if (!failure && step.expectStatusCounts) {
    const expected = Object.fromEntries(Object.entries(step.expectStatusCounts).map(([status, count]) => [String(status), count]));
    const keys = new Set([...Object.keys(expected), ...Object.keys(statusCounts)]);
    if ([...keys].some((status) => (expected[status] ?? 0) !== (statusCounts[status] ?? 0))) {
      failure = `expected ${counts(expected)}, got ${counts(statusCounts)}`;
    }
  }
  if (!failure && step.check && last) failure = step.check(last);
  return { name: step.name, request: describe(step), passed: failure === null, statusCounts, failure };
}

/** Every step passes: confirmed. Any step fails: contradicted, with what came back. */
export async function runScenario(claim: ScenarioClaim<string>, port: number): Promise<ClaimResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const steps: ScenarioStepResult[] = [];
  try {
    for (const step of claim.steps) steps.push(await runStep(port, step, agent));
  } finally {
    agent.destroy();
  }
  const failed = steps.filter((step) => !step.passed);
  const verdict = failed.length ? 'contradicted' : 'confirmed';
  const sentence = failed.length
    ? `${failed.length} of ${steps.length} steps failed against ${claim.variant}: ${failed.map((step) => `${step.name} (${step.failure})`).join('; ')}: contradicted`
    : `all ${steps.length} steps against ${claim.variant} answered as expected (${steps.map((step) => `${step.request} → ${counts(step.statusCounts)}`).join('; ')}): confirmed`;
  return {
    id: claim.id,
    kind: 'scenario',
    statement: claim.statement,
    metric: null,
    verdict,
    estimate: null,
    ci95: null,
    threshold: null,
    direction: null,
    variants: [claim.variant],
    connections: null,
    samples: {},
    sentence,
    steps,
  };
}
