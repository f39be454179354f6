// The role from the token, as in role-in-token, and an ownership check on orders: a user
// may change only the orders they placed (an admin, any). A role is not an owner.
import { serve } from 'devcap/serve';
import { createApi } from './api.js';
import { roleFromToken } from './authenticate.js';

serve(createApi(roleFromToken, { checkOwnership: true }));
