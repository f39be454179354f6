import { describe, expect, it } from 'vitest';
import { queryKey } from './database.js';

describe('queryKey', () => {
  it('names a statement by its name and parameters, as the database counts it in byQuery', () => {
    expect(queryKey('bestSellers', [3])).toBe('bestSellers [3]');
    // The parameters as JSON: 3 and "3" are different keys, as they are different statements' inputs.
    expect(queryKey('bestSellers', ['3'])).toBe('bestSellers ["3"]');
    expect(queryKey('productById', [])).toBe('productById []');
  });
});
