// Negative control: an order service that will not give up on the confirmation: while the
// notifications service is down it tries again every 100 ms, and the order waits. The
// process lives and holds every order; no client gets an answer until notifications is back.
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from 'devcap/serve';
import { createService } from '../variants/app.js';
import { call } from '../variants/order-service.js';
import { newOrderId, type Payment, type Reservation, type User } from '../variants/shop.js';

const agent = new Agent({ keepAlive: true });
const { USERS_URL, STOCK_URL, PAYMENTS_URL, NOTIFICATIONS_URL } = process.env;

serve(
  createService('orders', {
    '/orders': async ({ userId, sku, quantity }, requestId) => {
      const user = await call<User>(agent, `${USERS_URL}/check`, { userId }, requestId);
      const reservation = await call<Reservation>(agent, `${STOCK_URL}/reserve`, { sku, quantity }, requestId);
      const payment = await call<Payment>(agent, `${PAYMENTS_URL}/charge`, { user, amountCents: reservation.amountCents }, requestId);
      const order = { orderId: newOrderId(), userId, sku, quantity, amountCents: payment.amountCents, paymentId: payment.paymentId };
      for (;;) {
        try {
          await call(agent, `${NOTIFICATIONS_URL}/confirmations`, { order, user }, requestId);
          return { status: 201, body: { ...order, notification: 'queued' } };
        } catch {
          await sleep(100);
        }
      }
    },
  }),
);
