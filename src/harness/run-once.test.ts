import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load.js';
import type { ProbeReading } from './probe.js';
import { bracket, runMetrics } from './run-once.js';

describe('bracket', () => {
  it('takes the geometric mean of the calibrations before and after a load', () => {
    expect(bracket({ workMs: 20 }, { workMs: 45 })).toEqual({ workMs: 30 });
  });

  it('keeps the value before when the one after is missing or not positive', () => {
    expect(bracket({ workMs: 20, other: 3 }, { workMs: 0 })).toEqual({ workMs: 20, other: 3 });
  });
});

describe('runMetrics', () => {
  const primary = { requests: 4000, served: 4000, requestsPerSec: 2000, latencyP50Ms: 4, latencyP99Ms: 9, latencyMaxMs: 30, statusCounts: { 200: 4000 }, errors: 0, timeouts: 0, answers: { checked: 4000, wrong: 0, firstWrong: null } };
  const reading: ProbeReading = {
    eventLoopDelayP50Ms: 10.1,
    eventLoopDelayP99Ms: 12,
    eventLoopDelayMaxMs: 15,
    eventLoopUtilization: 0.8,
    serverCpuCores: 0.5,
    rssPeakBytes: 80e6,
    heapUsedPeakBytes: 20e6,
    wallMs: 2000,
    requests: 0,
    timeline: { eventLoopDelayMaxMs: [], eventLoopUtilization: [], rssPeakBytes: [] },
  };
  const load: LoadResult = { primary, durationSec: 2, generatorCpuCores: 0.4 };

  it("is the generator's numbers of the measured stream and the probe's of the server", () => {
    expect(runMetrics(load, reading)).toEqual({
      requestsPerSec: 2000,
      latencyP50Ms: 4,
      latencyP99Ms: 9,
      latencyMaxMs: 30,
      eventLoopDelayP50Ms: 10.1,
      eventLoopDelayP99Ms: 12,
      eventLoopDelayMaxMs: 15,
      eventLoopUtilization: 0.8,
      serverCpuCores: 0.5,
      // 0.5 cores for 2 s over 4,000 answers: 0.25 ms of CPU each.
      serverCpuMsPerRequest: 0.25,
      rssPeakBytes: 80e6,
      heapUsedPeakBytes: 20e6,
      generatorCpuCores: 0.4,
    });
  });

  it('adds the side stream when there is one, and the bytes of a download', () => {
    const side = { ...primary, requests: 100, requestsPerSec: 50, latencyP50Ms: 1, latencyP99Ms: 2, latencyMaxMs: 3 };
    expect(runMetrics({ ...load, side, bytesPerSec: 1e9 }, reading)).toMatchObject({ sideLatencyP50Ms: 1, sideLatencyP99Ms: 2, sideLatencyMaxMs: 3, sideRequestsPerSec: 50, sidePings: 100, bytesPerSec: 1e9 });
  });

  it('gives no cost per request when nothing was served: there is nothing to divide by', () => {
    expect(runMetrics({ ...load, primary: { ...primary, served: 0 } }, reading)).not.toHaveProperty('serverCpuMsPerRequest');
  });
});
