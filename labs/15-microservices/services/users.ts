// The users service: checkUser from the shop's domain, behind one HTTP endpoint.
import { serve } from 'devcap/serve';
import { createService } from '../variants/app.js';
import { checkUser } from '../variants/shop.js';

serve(createService('users', { '/check': ({ userId }) => ({ status: 200, body: checkUser(userId) }) }));
