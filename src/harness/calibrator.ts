import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CalibrationFailed } from '../errors.js';
import type { LoadedLab } from '../lab/registry.js';
import { own } from './cleanup.js';

const WORKER = new URL('./calibrate-worker.js', import.meta.url);
const CALIBRATE_TIMEOUT_MS = 60_000;

/** A lab's `calibrate`, run in a worker thread that lives as long as the lab run. */
export class Calibrator {
  private nextId = 0;
  private readonly release: () => Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.release = own({ name: 'calibration thread', release: async () => void (await worker.terminate()), kill: () => void worker.terminate() });
  }

  static start(loaded: LoadedLab): Calibrator {
    const labUrl = pathToFileURL(join(loaded.compiledDir, 'lab.js')).href;
    const worker = new Worker(WORKER, { workerData: { labUrl } });
    worker.unref();
    return new Calibrator(worker);
  }

  measure(params: Record<string, number>, env: Record<string, string>): Promise<Record<string, number>> {
    const id = this.nextId++;
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new CalibrationFailed(`the calibration took longer than ${CALIBRATE_TIMEOUT_MS / 1000} s`));
      }, CALIBRATE_TIMEOUT_MS);
      const onMessage = (message: { id: number; calibration?: Record<string, number>; error?: string }) => {
        if (message.id !== id) return;
        cleanup();
        if (message.error !== undefined) reject(new CalibrationFailed(`the calibration failed: ${message.error}`));
        else resolve(message.calibration ?? {});
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new CalibrationFailed(`the calibration failed: ${error.message}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, params, env });
    });
  }

  stop(): Promise<void> {
    return this.release();
  }
}
