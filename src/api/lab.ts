/**
 * `devcap/lab`: what a lab may use. A lab folder imports from here (and its variants from
 * `devcap/serve` and `devcap/accounts`), never from the harness's modules: the harness can
 * change inside without touching a lab.
 */
export { defineLab } from '../lab/define.js';
export type * from '../lab/types.js';
export { send, timeToFirstByte, HttpFailure, type HttpRequest, type HttpAnswer } from '../lab/http.js';
export { queryDatabase, databaseStats, queryKey, type DatabaseStats } from '../lab/database.js';
export { b64, nowSec, bearer, hs256, readPayload, tokenOf, credentials, userId, loginAs, LOAD_USERS, protectedRouteLoad, type LoadUser, type ProtectedAnswer } from '../lab/auth.js';
export { JSON_HEADERS, sleep, waitUntil, quantile, median, freePort, sendConcurrently } from '../lab/helpers.js';
export { DevcapError, HarnessError, UsageError, PrerequisiteError, DriveFailed, ScriptFailed, SpawnFailed } from '../errors.js';
export { VariantProcess as OwnedServer, type StartOptions as OwnedServerOptions } from '../harness/variant-process.js';
export { ownChild as ownProcess } from '../harness/cleanup.js';
export type { LabServices } from '../harness/lab-services.js';

/**
 * The real services a lab declares (Redis, its database with its tables), started and owned
 * as a run starts them, for the lab's own `lab.test.ts`. Imported when called: a lab that
 * imports `devcap/lab` loads none of the harness's packages.
 */
export async function startLabServices(folder: string): Promise<import('../harness/lab-services.js').LabServices> {
  return (await import('../harness/lab-services.js')).startLabServices(folder);
}
