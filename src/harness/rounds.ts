/**
 * How many rounds a run may have, one range for the option table, its error, the harness and
 * the README: at least 3 in every mode (two points give an interval, not a verdict worth
 * having), at most 50. No imports: `devcap --help` reads it without loading the harness.
 */
export const ROUNDS = { min: 3, max: 50 } as const;
