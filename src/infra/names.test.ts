import { describe, expect, it } from 'vitest';
import { unresolvable } from './names.js';

describe('unresolvable', () => {
  it('addresses and localhost resolve; 999.1.1.1 and a reserved .invalid name do not', async () => {
    expect(await unresolvable('127.0.0.1')).toBeNull();
    expect(await unresolvable('::1')).toBeNull();
    expect(await unresolvable('localhost')).toBeNull();
    expect(await unresolvable('999.1.1.1')).toBe('no such name');
    expect(await unresolvable('no-such-host.invalid')).toBe('no such name');
  });
});
