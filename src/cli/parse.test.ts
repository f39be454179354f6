import { describe, expect, it } from 'vitest';
import { DevcapError } from '../errors.js';
import { collectSetting, positiveInteger } from './parse.js';

describe('positiveInteger', () => {
  const parse = positiveInteger('--duration', { max: 600 });
  it('accepts whole numbers in range', () => {
    expect(parse('3')).toBe(3);
  });
  it.each(['-1', '0', '1.5', 'abc', '', '601'])('rejects %j with DEVCAP_BAD_OPTION', (raw) => {
    expect(() => parse(raw)).toThrow(DevcapError);
    try {
      parse(raw);
    } catch (error) {
      expect((error as DevcapError).code).toBe('DEVCAP_BAD_OPTION');
      expect((error as DevcapError).exitCode).toBe(2);
    }
  });
});

describe('collectSetting', () => {
  it('collects repeated name=value pairs', () => {
    expect(collectSetting('b=2', collectSetting('a=1'))).toEqual({ a: 1, b: 2 });
  });
  it.each(['a', 'a=', '=1', 'a=x'])('rejects %j', (raw) => {
    expect(() => collectSetting(raw)).toThrow(/--set takes name=number/);
  });
});
