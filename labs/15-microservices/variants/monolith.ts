// The monolith: checking the user, reserving stock, taking the payment and the confirmation
// email are function calls inside one process. No network between the steps.
import { serve } from 'devcap/serve';
import { createService } from './app.js';
import { checkUser, newOrderId, queueConfirmation, reserveStock, takePayment } from './shop.js';

serve(
  createService('monolith', {
    '/orders': ({ userId, sku, quantity }) => {
      const user = checkUser(userId);
      const reservation = reserveStock(sku, quantity);
      const payment = takePayment(user, reservation.amountCents);
      const order = { orderId: newOrderId(), userId, sku, quantity, amountCents: payment.amountCents, paymentId: payment.paymentId };
      queueConfirmation(order, user);
      return { status: 201, body: { ...order, notification: 'queued' } };
    },
  }),
);
