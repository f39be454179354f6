// The same order service opening a new TCP connection for every call (`agent: false` sends
// `Connection: close`): a handshake and a teardown per hop.
import { serve } from 'devcap/serve';
import { createOrderService } from './order-service.js';

serve(createOrderService(false));
