import { describe, expect, it } from 'vitest';
import { progressFor, spinnerFits, withKnownWidth } from './progress.js';

function fakeStream(isTTY: boolean, columns: number | undefined) {
  const written: string[] = [];
  const stream = { isTTY, columns, write: (text: string) => (written.push(text), true) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('progress', () => {
  it('a spinner only on a terminal with a known, positive width', () => {
    expect(spinnerFits(fakeStream(true, 120).stream)).toBe(true);
    expect(spinnerFits(fakeStream(true, 0).stream)).toBe(false);
    expect(spinnerFits(fakeStream(true, undefined).stream)).toBe(false);
    expect(spinnerFits(fakeStream(false, 120).stream)).toBe(false);
  });

  it('elsewhere one plain line per phase, ticks left out, repeats dropped', async () => {
    const { stream, written } = fakeStream(true, 0);
    const { progress, stop } = await progressFor({}, stream);
    progress.phase('event-loop: pbkdf2-sync, round 1/3');
    progress.tick('1,000 req/s');
    progress.phase('event-loop: pbkdf2-sync, round 1/3');
    progress.phase('event-loop: pbkdf2-async, round 1/3');
    stop();
    expect(written).toEqual(['devcap: event-loop: pbkdf2-sync, round 1/3\n', 'devcap: event-loop: pbkdf2-async, round 1/3\n']);
  });

  it('nothing under --json', async () => {
    const { stream, written } = fakeStream(false, undefined);
    const { progress } = await progressFor({ json: true }, stream);
    progress.phase('anything');
    expect(written).toEqual([]);
  });

  it('a terminal resized to 0 columns reads as 80 wide to the spinner', () => {
    const { stream } = fakeStream(true, 100);
    const seen = withKnownWidth(stream);
    expect(seen.columns).toBe(100);
    (stream as { columns: number }).columns = 0;
    expect(seen.columns).toBe(80);
    expect(seen.write('x')).toBe(true);
  });
});
