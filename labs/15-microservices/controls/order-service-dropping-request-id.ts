// Negative control: an order service that calls the other services without passing the
// request id on, so each of them logs an id of its own and the order cannot be followed.
import { Agent } from 'node:http';
import { randomUUID } from 'node:crypto';
import { serve } from 'devcap/serve';
import { createService } from '../variants/app.js';
import { call } from '../variants/order-service.js';
import { newOrderId, type Payment, type Reservation, type User } from '../variants/shop.js';

const agent = new Agent({ keepAlive: true });
const { USERS_URL, STOCK_URL, PAYMENTS_URL, NOTIFICATIONS_URL } = process.env;

serve(
  createService('orders', {
    '/orders': async ({ userId, sku, quantity }) => {
      const user = await call<User>(agent, `${USERS_URL}/check`, { userId }, randomUUID());
      const reservation = await call<Reservation>(agent, `${STOCK_URL}/reserve`, { sku, quantity }, randomUUID());
      const payment = await call<Payment>(agent, `${PAYMENTS_URL}/charge`, { user, amountCents: reservation.amountCents }, randomUUID());
      const order = { orderId: newOrderId(), userId, sku, quantity, amountCents: payment.amountCents, paymentId: payment.paymentId };
      await call(agent, `${NOTIFICATIONS_URL}/confirmations`, { order, user }, randomUUID());
      return { status: 201, body: { ...order, notification: 'queued' } };
    },
  }),
);
