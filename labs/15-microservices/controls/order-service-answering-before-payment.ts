// Negative control: wrong but fast, an order service that answers as soon as the stock is
// reserved and takes the payment afterwards ("the customer should not wait for the bank"):
// the order it answers has no payment yet, only "pending".
import { Agent } from 'node:http';
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
      const order = { orderId: newOrderId(), userId, sku, quantity, amountCents: reservation.amountCents, paymentId: 'pending' };
      void call<Payment>(agent, `${PAYMENTS_URL}/charge`, { user, amountCents: reservation.amountCents }, requestId)
        .then(() => call(agent, `${NOTIFICATIONS_URL}/confirmations`, { order, user }, requestId))
        .catch((error) => console.error(`order ${order.orderId}: ${String(error)}`));
      return { status: 201, body: { ...order, notification: 'queued' } };
    },
  }),
);
