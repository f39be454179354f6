import type { LabFailure, LabResult } from './result.js';
import { SCHEMA_VERSION } from './result.js';

/** `--json`: one lab prints its LabResult; `lab all` prints `{ schemaVersion, labs: [...] }`, a failed lab as its LabFailure. */
export function renderJson(results: Array<LabResult | LabFailure>, single: boolean): string {
  const payload = single && results.length === 1 ? results[0] : { schemaVersion: SCHEMA_VERSION, labs: results };
  return JSON.stringify(payload, null, 2);
}
