/**
 * Preloaded into every variant with `node --import`. It measures the server from the
 * inside without touching the variant's code, and answers the harness over IPC.
 * Messages: { type: 'devcap:probe', cmd: 'reset' | 'read' }.
 */
import { subscribe } from 'node:diagnostics_channel';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface ProbeReading {
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  eventLoopUtilization: number;
  serverCpuCores: number;
  rssPeakBytes: number;
  heapUsedPeakBytes: number;
  wallMs: number;
  /** HTTP requests the server received in the window; counted only under `devcap serve` (DEVCAP_COUNT_REQUESTS=1), else 0. */
  requests: number;
  /** The window second by second since the reset (a last second at least half over counts). */
  timeline: ProbeTimeline;
}

/** Per second of the window: how late the loop was, how busy, and how much memory it held. */
export interface ProbeTimeline {
  /** The most a 100 ms timer fired late in that second: a blocked loop shows as the length of the block. */
  eventLoopDelayMaxMs: number[];
  eventLoopUtilization: number[];
  rssPeakBytes: number[];
}

const RESOLUTION_MS = 5;
const MEMORY_SAMPLE_MS = 20;
// One cheap timer for the timeline, not a second histogram: its lateness is the loop's delay.
const TIMELINE_TICK_MS = 100;
const TIMELINE_MAX_SECONDS = 600;

if (process.send) {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let cpuStart = process.cpuUsage();
  let eluStart: EventLoopUtilization = performance.eventLoopUtilization();
  let wallStart = performance.now();
  let rssPeak = 0;
  let heapPeak = 0;
  let requests = 0;
  let timeline: ProbeTimeline = { eventLoopDelayMaxMs: [], eventLoopUtilization: [], rssPeakBytes: [] };
  let secondStart = performance.now();
  let secondElu = performance.eventLoopUtilization();
  let secondDelayMax = 0;
  let secondRssPeak = 0;
  // Only `devcap serve` counts requests: a lab's measured load pays nothing for it.
  if (process.env.DEVCAP_COUNT_REQUESTS === '1') subscribe('http.server.request.start', () => requests++);

  const sampleMemory = () => {
    const rss = process.memoryUsage.rss();
    if (rss > rssPeak) rssPeak = rss;
    if (rss > secondRssPeak) secondRssPeak = rss;
    const { heapUsed } = process.memoryUsage();
    if (heapUsed > heapPeak) heapPeak = heapUsed;
  };
  setInterval(sampleMemory, MEMORY_SAMPLE_MS).unref();

  const startSecond = (now: number) => {
    secondStart = now;
    secondElu = performance.eventLoopUtilization();
    secondDelayMax = 0;
    secondRssPeak = 0;
  };
  const closeSecond = (now: number) => {
    if (timeline.rssPeakBytes.length < TIMELINE_MAX_SECONDS) {
      timeline.eventLoopDelayMaxMs.push(secondDelayMax);
      timeline.eventLoopUtilization.push(performance.eventLoopUtilization(secondElu).utilization);
      timeline.rssPeakBytes.push(secondRssPeak);
    }
    startSecond(now);
  };
  let due = performance.now() + TIMELINE_TICK_MS;
  setInterval(() => {
    const now = performance.now();
    secondDelayMax = Math.max(secondDelayMax, now - due);
    due = now + TIMELINE_TICK_MS;
    if (now - secondStart >= 1000) closeSecond(now);
  }, TIMELINE_TICK_MS).unref();

  // The histogram records the time between timer ticks, which includes the resolution
  // itself; what the learner cares about is the delay beyond it.
  const beyondResolution = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);

  process.on('message', (message: { type?: string; cmd?: string }) => {
    if (message?.type !== 'devcap:probe') return;
    if (message.cmd === 'reset') {
      delay.reset();
      cpuStart = process.cpuUsage();
      eluStart = performance.eventLoopUtilization();
      wallStart = performance.now();
      rssPeak = 0;
      heapPeak = 0;
      requests = 0;
      timeline = { eventLoopDelayMaxMs: [], eventLoopUtilization: [], rssPeakBytes: [] };
      startSecond(performance.now());
      due = performance.now() + TIMELINE_TICK_MS;
      sampleMemory();
      process.send?.({ type: 'devcap:probe', cmd: 'reset' });
    } else if (message.cmd === 'read') {
      sampleMemory();
      // The second under way counts once it is at least half over (a 1 s load still has its second).
      if (performance.now() - secondStart >= 500) closeSecond(performance.now());
      const wallMs = performance.now() - wallStart;
      const cpu = process.cpuUsage(cpuStart);
      const reading: ProbeReading = {
        eventLoopDelayP50Ms: beyondResolution(delay.percentile(50)),
        eventLoopDelayP99Ms: beyondResolution(delay.percentile(99)),
        eventLoopDelayMaxMs: beyondResolution(delay.max),
        eventLoopUtilization: performance.eventLoopUtilization(eluStart).utilization,
        serverCpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
        rssPeakBytes: rssPeak,
        heapUsedPeakBytes: heapPeak,
        wallMs,
        requests,
        timeline,
      };
      process.send?.({ type: 'devcap:probe', cmd: 'read', reading });
    }
  });
  // The probe must not keep a variant alive that would otherwise exit.
  process.channel?.unref();
}
