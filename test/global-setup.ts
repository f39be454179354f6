import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The suite's devcaps keep their run records and the learner's record (`devcap progress`)
 * in a state folder of the suite's own, not in the developer's ~/.local/state/devcap: a test
 * run is not a learner's progress. Tests that need a particular folder still set their own.
 */
export default function setup(): () => void {
  if (process.env.DEVCAP_STATE_DIR) return () => {};
  const dir = mkdtempSync(join(tmpdir(), 'devcap-suite-state-'));
  process.env.DEVCAP_STATE_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
