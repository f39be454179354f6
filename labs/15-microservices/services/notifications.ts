// The notifications service: accepts a confirmation and sends it after answering, with the
// same code the monolith runs, bug included. When that code throws, only this process ends.
import { serve } from 'devcap/serve';
import { createService } from '../variants/app.js';
import { queueConfirmation } from '../variants/shop.js';

serve(
  createService('notifications', {
    '/confirmations': ({ order, user }) => {
      queueConfirmation(order, user);
      return { status: 202, body: { queued: true } };
    },
  }),
);
