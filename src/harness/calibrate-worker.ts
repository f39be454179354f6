/**
 * Runs a lab's `calibrate` off devcap's main thread: a calibration is real work (a hash of
 * tens of milliseconds, Redis round trips), and devcap's own event loop must stay free to
 * answer Ctrl-C and drive the load.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AnyLab } from '../lab/types.js';

const { labUrl } = workerData as { labUrl: string };
const lab = ((await import(labUrl)) as { default: AnyLab }).default;

parentPort!.on('message', async ({ id, params, env }: { id: number; params: Record<string, number>; env: Record<string, string> }) => {
  try {
    const calibration = lab.calibrate ? await lab.calibrate(params, env) : {};
    parentPort!.postMessage({ id, calibration });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
