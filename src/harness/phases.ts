/**
 * Where a lab run's time goes: each job around the loads is timed into one of a few phases,
 * so `npm run bench` and the JSON (`timing`) can say what a run spends outside its loads.
 */
import { performance } from 'node:perf_hooks';
import type { RunPhase, RunTiming } from '../report/result.js';

export const RUN_PHASES: readonly RunPhase[] = ['provide', 'start', 'warmUp', 'calibrate', 'load', 'probe', 'drive', 'stop', 'scenarios', 'judge'];

export class PhaseClock {
  private readonly ms = Object.fromEntries(RUN_PHASES.map((phase) => [phase, 0])) as Record<RunPhase, number>;

  /** Times `work` into `phase` (also when it throws). */
  async time<T>(phase: RunPhase, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.ms[phase] += performance.now() - started;
    }
  }

  timeSync<T>(phase: RunPhase, work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } finally {
      this.ms[phase] += performance.now() - started;
    }
  }

  add(phase: RunPhase, ms: number): void {
    this.ms[phase] += ms;
  }

  /** The phases so far, in whole milliseconds, and what of the wall time none of them took. */
  timing(wallMs: number): RunTiming {
    const phasesMs = Object.fromEntries(RUN_PHASES.map((phase) => [phase, Math.round(this.ms[phase])])) as Record<RunPhase, number>;
    const counted = RUN_PHASES.reduce((sum, phase) => sum + phasesMs[phase], 0);
    return { phasesMs, otherMs: Math.max(0, Math.round(wallMs) - counted), aroundLoadMs: Math.max(0, Math.round(wallMs) - phasesMs.load) };
  }
}
