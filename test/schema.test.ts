import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no types
import { labResultSchema } from '../scripts/schema-source.mjs';

const committed = JSON.parse(readFileSync(new URL('../schema/lab-result.schema.json', import.meta.url), 'utf8')) as object;

describe('the JSON Schema of a lab result', () => {
  it('is what the LabResult type says today (npm run schema rewrites it)', () => {
    expect(labResultSchema()).toEqual(committed);
  });

  it('refuses a result with a field missing, a wrong verdict or an unknown field', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(committed);
    const minimal = JSON.parse(readFileSync(new URL('./fixtures/lab-result.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    expect(validate(minimal), JSON.stringify(validate.errors)).toBe(true);
    const { outcome: _, ...withoutOutcome } = minimal;
    expect(validate(withoutOutcome)).toBe(false);
    expect(validate({ ...minimal, outcome: 'probably' })).toBe(false);
    expect(validate({ ...minimal, surprise: 1 })).toBe(false);
  });
});
