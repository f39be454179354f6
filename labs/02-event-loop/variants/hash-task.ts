// Runs inside a worker thread of worker-pool's pool: blocking here blocks only this worker.
import { pbkdf2Sync } from 'node:crypto';

export default function hash({ password, iterations }: { password: string; iterations: number }): string {
  return pbkdf2Sync(password, 'salt', iterations, 64, 'sha512').toString('hex');
}
