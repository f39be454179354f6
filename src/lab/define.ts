import type { LabDefinition } from './types.js';

/**
 * Declares a lab. Typed so that a claim naming a variant (or a metric) the lab does not
 * have is a compile error. Importing a lab runs nothing: it is plain data and functions.
 */
export function defineLab<const V extends string, const M extends string = never>(lab: LabDefinition<V, M>): LabDefinition<V, M> {
  return lab;
}
