import { describe, expect, it } from 'vitest';
import { defineLab } from './define.js';

// defineLab's types are the test: `tsc -p tsconfig.test.json` (npm test, test:cli) fails when a
// `@ts-expect-error` below is not needed, i.e. when a wrong name stops being a compile error.
const base = {
  day: 99,
  slug: 'typed',
  title: 'A lab that only its types run',
  claim: 'Names in a lab are checked by the compiler.',
  summary: 'nothing runs',
  takeaway: 'A typo in a claim id fails the build, not a run.',
  variants: { slow: { file: 'variants/slow.js', summary: 'slow' }, fast: { file: 'variants/fast.js', summary: 'fast' } },
  workload: {
    path: '/',
    readyPath: '/',
    sizing: { durationSec: 1, warmupRequests: 10, rounds: 3, connections: [1] },
    quick: { durationSec: 1, warmupRequests: 10, rounds: 3, connections: [1] },
  },
};

const ratio = { kind: 'ratio', id: 'fast-beats-slow', statement: 'fast is twice slow', metric: 'requestsPerSec', numerator: 'fast', denominator: 'slow', atLeast: 2 } as const;

describe('defineLab', () => {
  it('takes an exercise and controls that name its own variants and claims', () => {
    const lab = defineLab({
      ...base,
      claims: [ratio],
      controls: { 'fast-as-slow': { file: 'controls/fast-as-slow.js', replaces: 'fast', summary: 'slow code', rejects: ['fast-beats-slow'] } },
      exercise: { start: 'slow', replaces: ['fast'], claims: ['fast-beats-slow'], hint: 'make it fast' },
    });
    expect(lab.exercise?.claims).toEqual(['fast-beats-slow']);
  });

  it('refuses, at compile time, an exercise or a control naming a claim or variant the lab does not have', () => {
    const labs = [
      defineLab({
        ...base,
        claims: [ratio],
        // @ts-expect-error: no claim has this id
        exercise: { start: 'slow', replaces: ['fast'], claims: ['fast-beats-slwo'], hint: 'make it fast' },
      }),
      defineLab({
        ...base,
        claims: [ratio],
        // @ts-expect-error: no variant has this name
        exercise: { start: 'slow', replaces: ['fastest'], claims: ['fast-beats-slow'], hint: 'make it fast' },
      }),
      defineLab({
        ...base,
        claims: [ratio],
        // @ts-expect-error: an exercise is judged by at least one claim
        exercise: { start: 'slow', replaces: ['fast'], claims: [], hint: 'make it fast' },
      }),
      defineLab({
        ...base,
        claims: [ratio],
        // @ts-expect-error: no claim has this id
        controls: { 'fast-as-slow': { file: 'controls/fast-as-slow.js', replaces: 'fast', summary: 'slow code', rejects: ['fast-beats-slwo'] } },
      }),
    ];
    expect(labs).toHaveLength(4);
  });
});
