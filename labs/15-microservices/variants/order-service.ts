// The order service of the split system: the monolith's route, with each step a POST to the
// service that owns it. `agent` decides how: connections kept alive, or one per call.
import { request, type Agent } from 'node:http';
import { createService } from './app.js';
import { newOrderId, OrderError, type Payment, type Reservation, type User } from './shop.js';

/** POSTs JSON to another service with this order's request id; its refusals (404, 409) become ours. */
export function call<T>(agent: Agent | false, url: string, body: unknown, requestId: string): Promise<T> {
  const payload = JSON.stringify(body);
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-request-id': requestId };
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const answer = JSON.parse(text);
        if (response.statusCode! < 300) resolve(answer as T);
        else reject(new OrderError(response.statusCode!, `${url}: ${answer.error}`));
      });
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

export function createOrderService(agent: Agent | false) {
  const { USERS_URL, STOCK_URL, PAYMENTS_URL, NOTIFICATIONS_URL } = process.env;
  return createService('orders', {
    '/orders': async ({ userId, sku, quantity }, requestId) => {
      const user = await call<User>(agent, `${USERS_URL}/check`, { userId }, requestId);
      const reservation = await call<Reservation>(agent, `${STOCK_URL}/reserve`, { sku, quantity }, requestId);
      const payment = await call<Payment>(agent, `${PAYMENTS_URL}/charge`, { user, amountCents: reservation.amountCents }, requestId);
      const order = { orderId: newOrderId(), userId, sku, quantity, amountCents: payment.amountCents, paymentId: payment.paymentId };
      // The order is taken once it is paid: with the notifications service down, the
      // confirmation is what degrades, not the order.
      let notification = 'queued';
      try {
        await call(agent, `${NOTIFICATIONS_URL}/confirmations`, { order, user }, requestId);
      } catch {
        notification = 'degraded';
      }
      return { status: 201, body: { ...order, notification } };
    },
  });
}
