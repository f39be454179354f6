// The payments service: takePayment from the shop's domain, behind one HTTP endpoint.
import { serve } from 'devcap/serve';
import { createService } from '../variants/app.js';
import { takePayment } from '../variants/shop.js';

serve(createService('payments', { '/charge': ({ user, amountCents }) => ({ status: 200, body: takePayment(user, amountCents) }) }));
