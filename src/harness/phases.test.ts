import { describe, expect, it } from 'vitest';
import { PhaseClock, RUN_PHASES } from './phases.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PhaseClock', () => {
  it('adds each timed job to its phase, and the rest of the wall time to otherMs', async () => {
    const clock = new PhaseClock();
    await clock.time('load', () => pause(60));
    await clock.time('start', () => pause(20));
    await clock.time('start', () => pause(20));
    clock.add('judge', 5);
    const timing = clock.timing(200);
    expect(timing.phasesMs.load).toBeGreaterThanOrEqual(55);
    expect(timing.phasesMs.start).toBeGreaterThanOrEqual(35);
    expect(timing.phasesMs.judge).toBe(5);
    expect(timing.phasesMs.drive).toBe(0);
    expect(Object.keys(timing.phasesMs)).toEqual(RUN_PHASES);
    const counted = Object.values(timing.phasesMs).reduce((sum, ms) => sum + ms, 0);
    expect(timing.otherMs).toBe(200 - counted);
    expect(timing.aroundLoadMs).toBe(200 - timing.phasesMs.load);
  });

  it('times a job that throws, and passes the error on', async () => {
    const clock = new PhaseClock();
    await expect(clock.time('drive', async () => {
      await pause(30);
      throw new Error('drive failed');
    })).rejects.toThrow('drive failed');
    expect(() => clock.timeSync('judge', () => { throw new Error('no'); })).toThrow('no');
    expect(clock.timing(1000).phasesMs.drive).toBeGreaterThanOrEqual(25);
  });
});
