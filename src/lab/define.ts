import type { LabDefinition } from './types.js';

/**
 * Declares a lab. Typed so that a claim naming a variant the lab does not have is a
 * compile error. Importing a lab runs nothing: it is plain data plus pure functions.
 */
export function defineLab<const V extends string>(lab: LabDefinition<V>): LabDefinition<V> {
  return lab;
}
