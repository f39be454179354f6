import type { LabResult } from './result.js';
import { SCHEMA_VERSION } from './result.js';

/** `--json`: one lab prints its LabResult; `lab all` prints `{ schemaVersion, labs: [...] }`. */
export function renderJson(results: LabResult[], single: boolean): string {
  const payload = single && results.length === 1 ? results[0] : { schemaVersion: SCHEMA_VERSION, labs: results };
  return JSON.stringify(payload, null, 2);
}
