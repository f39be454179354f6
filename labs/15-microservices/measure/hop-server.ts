// The users service, run in a thread of devcap's calibration so that one hop (a round trip
// to a service of the shop, in another thread, on a kept-alive connection) can be timed.
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { createService } from '../variants/app.js';
import { checkUser } from '../variants/shop.js';

const server = createService('users', { '/check': ({ userId }) => ({ status: 200, body: checkUser(userId) }) });
server.listen(0, '127.0.0.1', () => parentPort!.postMessage((server.address() as AddressInfo).port));
