import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { HarnessError } from '../../../src/errors.js';

/** One GET on a fresh connection: milliseconds until the first byte of the body arrives; then it hangs up. */
export function timeToFirstByte(port: number, path: string, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
      req.destroy();
    };
    // The whole wait is bounded, not only the socket's idle time; an answer that ends (or
    // breaks) before its first byte is an error, not a wait that never ends.
    const timer = setTimeout(() => settle(() => reject(new HarnessError('DEVCAP_DRIVE_TIMEOUT', `GET ${path} sent no body within ${timeoutMs / 1000} s`))), timeoutMs);
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.once('data', () => settle(() => resolve(performance.now() - started)));
      res.once('end', () => settle(() => reject(new HarnessError('DEVCAP_DRIVE_FAILED', `GET ${path} answered ${res.statusCode} with an empty body`))));
      res.once('error', (error) => settle(() => reject(new HarnessError('DEVCAP_DRIVE_FAILED', `GET ${path}: ${error.message}`))));
    });
    req.on('timeout', () => settle(() => reject(new HarnessError('DEVCAP_DRIVE_TIMEOUT', `GET ${path} sent no body within ${timeoutMs / 1000} s`))));
    req.on('error', (error) => settle(() => reject(error)));
    req.on('close', () => settle(() => reject(new HarnessError('DEVCAP_DRIVE_FAILED', `GET ${path}: the connection closed before the first byte`))));
    req.end();
  });
}
