import { describe, expect, it } from 'vitest';
import { countServed } from './load.js';

describe('countServed', () => {
  it('counts 2xx by default', () => {
    expect(countServed({ 200: 5, 204: 1, 429: 3, 500: 2 })).toBe(6);
  });
  it('counts only the expected statuses when a lab names them (e.g. 429s under a limiter)', () => {
    expect(countServed({ 200: 5, 429: 3, 500: 2 }, [200, 429])).toBe(8);
  });
});
