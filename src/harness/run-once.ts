/** One run: a fresh process of a variant (with its companions), warmed up, loaded, probed, checked. */
import type { RoundRun } from '../report/result.js';
import { AnswerTally, problemWith } from './answers.js';
import type { Calibrator } from './calibrator.js';
import { GENERATOR_BOUND_CORES, runLoad, warmUp, type LoadResult } from './load.js';
import { predictionsFor } from './model.js';
import type { ProbeReading } from './probe.js';
import { processHost } from './provide.js';
import type { ProvidedRun } from './run-context.js';
import { runInvalidity } from './validity.js';
import { startVariant, VariantGroup } from './variant-group.js';

/** Which run of the rounds this is. */
export interface RunAt {
  variant: string;
  connections: number;
  round: number;
  /** The variant's place in this round's order. */
  order: number;
}

export async function runOnce(run: ProvidedRun, { variant, connections, round, order }: RunAt, calibrator: Calibrator | undefined): Promise<RoundRun> {
  const { loaded, config, progress, clock } = run;
  const { lab } = loaded;
  const env = run.provided.env;
  const requests = run.requests.get(variant)!;
  const group = await clock.time('start', () => VariantGroup.start(loaded, variant, config, env));
  const server = group.server;
  try {
    const { path, method, headers, body, expectStatus } = lab.workload;
    const load = { port: server.port, path, method, headers, body, connections, requests: requests.length ? requests : undefined, expectStatus };
    const warmUpAnswers = await clock.time('warmUp', () => warmUp({ ...load, count: config.warmupRequests }));
    // Measured now, while this variant waits: the same minute of the same shared machine as its load.
    const before = calibrator ? await clock.time('calibrate', () => calibrator.measure(config.params, env)) : undefined;
    await clock.time('probe', () => server.probe('reset'));
    const perSecond: number[] = [];
    const result = await clock.time('load', () => runLoad({
      ...load,
      client: lab.workload.client,
      durationSec: config.durationSec,
      checkEvery: config.checkEvery,
      side: lab.workload.side,
      onTick: (count) => {
        perSecond.push(count);
        progress.tick(`${count.toLocaleString('en-US')} req/s`);
      },
    }));
    const calibration = before && lab.calibrateAround ? bracket(before, await clock.time('calibrate', () => calibrator!.measure(config.params, env))) : before;
    if (!server.alive) {
      throw server.failure('DEVCAP_VARIANT_CRASHED', `${lab.slug}/${variant} died under load`);
    }
    const reading = await clock.time('probe', () => server.probe('read'));
    const driveAnswers = new AnswerTally();
    const extra = lab.drive
      ? await clock.time('drive', () => lab.drive!({
          variant,
          file: config.substitutes[variant] ?? loaded.variantPath(variant),
          round,
          order,
          port: server.port,
          connections,
          durationSec: config.durationSec,
          params: config.params,
          env,
          startFresh: () => startVariant(loaded, variant, config, env),
          own: processHost.own,
          processes: group,
          requests,
          checkAnswer: (expect, answer, request) => {
            const problem = problemWith(expect, answer, lab.workload.expectStatus);
            driveAnswers.record(request, problem);
            return problem;
          },
        }))
      : {};
    const answers = {
      warmUp: warmUpAnswers,
      load: result.primary.answers,
      side: result.side?.answers ?? null,
      drive: driveAnswers.count(),
    };
    return {
      variant,
      connections,
      round,
      order,
      pid: server.pid ?? null,
      metrics: { ...runMetrics(result, reading), ...(extra as Record<string, number>) },
      statusCounts: result.primary.statusCounts,
      sideStatusCounts: result.side?.statusCounts ?? null,
      errors: result.primary.errors + (result.side?.errors ?? 0),
      timeouts: result.primary.timeouts + (result.side?.timeouts ?? 0),
      generatorBound: result.generatorCpuCores >= GENERATOR_BOUND_CORES,
      answers,
      invalid: runInvalidity(result, answers, lab.workload, config.side?.path),
      timeline: { requestsPerSec: perSecond, ...reading.timeline },
      ...(calibration ? { calibration, predicted: predictionsFor(lab, variant, calibration, config, connections) } : {}),
      ...(!calibration && lab.model ? { predicted: predictionsFor(lab, variant, {}, config, connections) } : {}),
    };
  } finally {
    await clock.time('stop', () => group.stop());
  }
}

/** The standard metrics of one run: the load generator's streams and the probe's reading. */
export function runMetrics(result: LoadResult, reading: ProbeReading): Record<string, number> {
  return {
    requestsPerSec: result.primary.requestsPerSec,
    latencyP50Ms: result.primary.latencyP50Ms,
    latencyP99Ms: result.primary.latencyP99Ms,
    latencyMaxMs: result.primary.latencyMaxMs,
    ...(result.side
      ? {
          sideLatencyP50Ms: result.side.latencyP50Ms,
          sideLatencyP99Ms: result.side.latencyP99Ms,
          sideLatencyMaxMs: result.side.latencyMaxMs,
          sideRequestsPerSec: result.side.requestsPerSec,
          sidePings: result.side.requests,
        }
      : {}),
    eventLoopDelayP50Ms: reading.eventLoopDelayP50Ms,
    eventLoopDelayP99Ms: reading.eventLoopDelayP99Ms,
    eventLoopDelayMaxMs: reading.eventLoopDelayMaxMs,
    eventLoopUtilization: reading.eventLoopUtilization,
    serverCpuCores: reading.serverCpuCores,
    // CPU the server spent over the answers that counted: the cost of one request.
    ...(result.primary.served > 0 ? { serverCpuMsPerRequest: (reading.serverCpuCores * reading.wallMs) / result.primary.served } : {}),
    rssPeakBytes: reading.rssPeakBytes,
    heapUsedPeakBytes: reading.heapUsedPeakBytes,
    generatorCpuCores: result.generatorCpuCores,
    ...(result.bytesPerSec !== undefined ? { bytesPerSec: result.bytesPerSec } : {}),
  };
}

/** Each unit measured before and after a load, as one value: their geometric mean. */
export function bracket(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(before).map(([key, value]) => {
      const other = after[key];
      return [key, other !== undefined && value > 0 && other > 0 ? Math.sqrt(value * other) : value];
    }),
  );
}
