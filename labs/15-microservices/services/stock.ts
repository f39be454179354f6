// The stock service: reserveStock from the shop's domain, behind one HTTP endpoint.
import { serve } from 'devcap/serve';
import { createService } from '../variants/app.js';
import { reserveStock } from '../variants/shop.js';

serve(createService('stock', { '/reserve': ({ sku, quantity }) => ({ status: 200, body: reserveStock(sku, quantity) }) }));
