import { describe, expect, it } from 'vitest';
import { DevcapError } from '../errors.js';
import { collectSetting, paramValue, positiveInteger } from './parse.js';

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
  it('collects repeated settings as given, for the lab to check', () => {
    expect(collectSetting('b=2', collectSetting('a=1'))).toEqual(['a=1', 'b=2']);
  });
});

describe('paramValue', () => {
  const iterations = { env: 'ITERATIONS', default: 60_000, summary: '', min: 1000, max: 2_000_000 };
  it('takes plain whole numbers in range', () => {
    expect(paramValue('iterations', iterations, '1000')).toBe(1000);
    expect(paramValue('iterations', iterations, '2000000')).toBe(2_000_000);
  });
  it.each(['1000.5', '1e4', '0x10', '0b11', '', ' 5000', 'Infinity', 'NaN', '+5000', '999', '2000001', '5000abc', '99999999999999999999'])('rejects %j with the range', (raw) => {
    expect(() => paramValue('iterations', iterations, raw)).toThrow(`iterations takes a whole number from 1000 to 2000000 (got "${raw}")`);
  });
  it('takes a decimal fraction only where declared, still no exponent', () => {
    const ratio = { env: 'RATIO', default: 0.5, summary: '', min: 0, max: 1, integer: false };
    expect(paramValue('ratio', ratio, '0.25')).toBe(0.25);
    expect(() => paramValue('ratio', ratio, '2.5e-1')).toThrow('ratio takes a decimal number from 0 to 1');
  });
  it('states one-sided and missing bounds', () => {
    expect(() => paramValue('n', { env: 'N', default: 1, summary: '', min: 0 }, 'x')).toThrow('n takes a whole number from 0 (got "x")');
    expect(() => paramValue('n', { env: 'N', default: 1, summary: '' }, 'x')).toThrow('n takes a whole number (got "x")');
  });
});
