import type { LabDefinition } from './types.js';

/**
 * Declares a lab. Typed so that a claim naming a variant (or a metric) the lab does not
 * have, or a control or exercise naming a claim it does not make, is a compile error. Importing a lab runs nothing: it is plain data and functions.
 */
export function defineLab<const V extends string, const M extends string = never, const C extends string = string>(lab: LabDefinition<V, M, C>): LabDefinition<V, M, C> {
  return lab;
}
