import { describe, expect, it } from 'vitest';
import { serviceEnvName } from './provide.js';

describe('serviceEnvName', () => {
  it("is the variable a lab's own service's address is in, from its name", () => {
    expect(serviceEnvName('user-api')).toBe('USER_API_URL');
    expect(serviceEnvName('payments')).toBe('PAYMENTS_URL');
  });
});
