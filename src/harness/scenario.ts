import { Agent } from 'node:http';
import { send as request } from '../lab/http.js';
import type { Dynamic, ScenarioClaim, ScenarioContext, ScenarioResponse, ScenarioStep, VariantProcesses } from '../lab/types.js';
import type { ClaimResult, ScenarioStepResult } from '../report/result.js';
import { problemWith } from './answers.js';

const STEP_REQUEST_TIMEOUT_MS = 10_000;

export interface SendOptions {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The client's address on a fresh connection (`agent: false`). */
  localAddress?: string;
}

/** One request on loopback, body read in full. */
export async function send(agent: Agent | false, port: number, step: SendOptions): Promise<ScenarioResponse> {
  const { status, headers, body, elapsedMs } = await request({ agent, port, ...step, timeoutMs: STEP_REQUEST_TIMEOUT_MS });
  return { status, headers, body, elapsedMs };
}

/** The scenario's default client address. */
export const DEFAULT_FROM = '127.0.0.1';
const LOOPBACK_V4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Why `from` cannot be a client's address here, or null: only loopback addresses, this machine's own. */
export function badFrom(from: string): string | null {
  const parts = LOOPBACK_V4.exec(from);
  return parts && parts.slice(1).every((part) => Number(part) <= 255) ? null : `from must be a loopback address such as 127.0.0.2, not "${from}"`;
}

/**
 * A scenario's clients: one keep-alive connection per client address (`from`), so requests
 * of one client share a connection and two clients never do.
 */
export class Clients {
  private readonly agents = new Map<string, Agent>();

  agent(from: string = DEFAULT_FROM): Agent {
    let agent = this.agents.get(from);
    if (!agent) {
      agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: from });
      this.agents.set(from, agent);
    }
    return agent;
  }

  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

function resolve<T>(value: Dynamic<T> | undefined, context: ScenarioContext): T | undefined {
  return typeof value === 'function' ? (value as (context: ScenarioContext) => T)(context) : value;
}

function describe(step: ScenarioStep, path: string | undefined): string {
  if (path === undefined) return 'no request';
  const times = step.parallel && step.parallel > 1 ? ` × ${step.parallel} at once` : step.repeat && step.repeat > 1 ? ` × ${step.repeat}` : '';
  return `${step.method ?? 'GET'} ${path}${times}${step.from ? ` from ${step.from}` : ''}`;
}

function counts(record: Record<string | number, number>): string {
  return Object.entries(record)
    .map(([status, count]) => `${count} × ${status}`)
    .join(', ');
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function runStep(port: number, step: ScenarioStep, clients: Clients, context: ScenarioContext): Promise<ScenarioStepResult> {
  const statusCounts: Record<string, number> = {};
  const responses: ScenarioResponse[] = [];
  let failure: string | null = null;
  let path: string | undefined;
  try {
    if (step.action) {
      const said = await step.action(context);
      if (typeof said === 'string') failure = said;
    }
    path = resolve(step.path, context);
    if (!failure && step.from !== undefined) failure = badFrom(step.from);
    if (!failure && path !== undefined) {
      const request: SendOptions = { method: step.method, path, headers: resolve(step.headers, context), body: resolve(step.body, context), localAddress: step.from };
      const record = (response: ScenarioResponse) => {
        responses.push(response);
        statusCounts[response.status] = (statusCounts[response.status] ?? 0) + 1;
      };
      if (step.parallel && step.parallel > 1) {
        // Each copy on a connection of its own, all started before any answer arrives.
        const settled = await Promise.allSettled(Array.from({ length: step.parallel }, () => send(false, port, request)));
        for (const outcome of settled) {
          if (outcome.status === 'fulfilled') record(outcome.value);
          else failure ??= `request failed: ${reason(outcome.reason)}`;
        }
      } else {
        const agent = clients.agent(step.from);
        for (let i = 0; i < (step.repeat ?? 1); i++) record(await send(agent, port, request));
      }
    }
  } catch (error) {
    failure = path === undefined && step.action ? `action failed: ${reason(error)}` : `request failed: ${reason(error)}`;
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
  if (!failure && step.expect) {
    // Every response of the step, not only the last: one wrong answer among ten fails it.
    const expect = step.expect;
    const wrong = responses.flatMap((response, index) => {
      const problem = problemWith(expect, response, [response.status]);
      return problem === null ? [] : [`${responses.length > 1 ? `answer ${index + 1} of ${responses.length}: ` : ''}${problem}`];
    });
    if (wrong.length) failure = `${wrong.length > 1 ? `${wrong.length} wrong answers, the first: ` : ''}${wrong[0]}`;
  }
  const last = responses.at(-1);
  if (!failure && step.check && last) {
    try {
      failure = await step.check(last, context, responses);
    } catch (error) {
      failure = `check failed: ${reason(error)}`;
    }
  }
  return { name: step.name, request: describe(step, path), passed: failure === null, statusCounts, failure };
}

export interface ScenarioEnvironment {
  params: Record<string, number>;
  env: Record<string, string>;
  serverOutput(): string;
  processes: VariantProcesses;
}

/** Every step passes: confirmed. Any step fails: contradicted, with what came back. */
export async function runScenario(claim: ScenarioClaim<string>, port: number, environment: ScenarioEnvironment): Promise<ClaimResult> {
  const clients = new Clients();
  const context: ScenarioContext = {
    vars: {},
    params: environment.params,
    env: environment.env,
    serverOutput: environment.serverOutput,
    port,
    processes: environment.processes,
  };
  const steps: ScenarioStepResult[] = [];
  try {
    for (const step of claim.steps) steps.push(await runStep(port, step, clients, context));
  } finally {
    clients.destroy();
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
    rounds: 0,
    sentence,
    steps,
  };
}
