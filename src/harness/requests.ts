import { HarnessError } from '../errors.js';
import type { AnyLab } from '../lab/types.js';
import type { RunConfig } from '../report/result.js';
import type { CheckedRequest } from './load.js';

/**
 * The measured stream's requests with their correct answers, worked out once per lab run
 * with the services up; each complete (the workload's method, headers and body filled in).
 */
export async function resolveRequests(lab: AnyLab, variant: string, config: RunConfig, env: Record<string, string>): Promise<CheckedRequest[]> {
  const { workload } = lab;
  // Until every lab declares its answers (the contract test lists those that do not), a lab without them sends its one path unchecked.
  if (!workload.requests) return [];
  const declared = await workload.requests({ variant, params: config.params, env });
  if (!declared.length) throw new HarnessError('DEVCAP_LAB_DEFINITION', `${lab.slug}: workload.requests returned no request`);
  return declared.map((entry) => {
    // The download client keeps no body: it can check a size and a hash, nothing a body is needed for.
    if (workload.client === 'download' && (entry.expect.body !== undefined || entry.expect.json !== undefined || entry.expect.check)) {
      throw new HarnessError('DEVCAP_LAB_DEFINITION', `${lab.slug}: the download client checks bytes and sha256 only, not body, json or check (${entry.path})`);
    }
    return {
      path: entry.path,
      method: entry.method ?? workload.method ?? 'GET',
      headers: entry.headers ?? workload.headers,
      body: entry.body ?? workload.body,
      expect: entry.expect,
    };
  });
}
