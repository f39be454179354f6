// The split system's order service, calling users, stock, payments and notifications over
// HTTP on connections kept alive between calls.
import { Agent } from 'node:http';
import { serve } from 'devcap/serve';
import { createOrderService } from './order-service.js';

serve(createOrderService(new Agent({ keepAlive: true })));
