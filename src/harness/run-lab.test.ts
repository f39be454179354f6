import { describe, expect, it } from 'vitest';
import { bracket, timeLeft } from './run-lab.js';

describe('bracket', () => {
  it('takes the geometric mean of the calibrations before and after a load', () => {
    expect(bracket({ workMs: 20 }, { workMs: 45 })).toEqual({ workMs: 30 });
  });

  it('keeps the value before when the one after is missing or not positive', () => {
    expect(bracket({ workMs: 20, other: 3 }, { workMs: 0 })).toEqual({ workMs: 20, other: 3 });
  });
});

describe('timeLeft', () => {
  it('plans from the run length before the first run', () => {
    // 15 runs of 1 s, each with about 1.5 s of starting and reading: about 38 s
    expect(timeLeft(0, 15, 0, 1)).toBe('about 38 s of loads left');
  });

  it('follows the pace of the runs so far once there are some', () => {
    // 5 runs took 20 s on this machine: the 10 left take about 40 s, whatever the plan said
    expect(timeLeft(5, 15, 20_000, 1)).toBe('40 s of loads left');
    expect(timeLeft(2, 50, 8_000, 10)).toBe('3 min of loads left');
  });
});
