// A route added in front of the API, guarded with authorize('admin') alone: nobody put
// `authenticate` before it, so req.user is undefined, authorize throws a TypeError, and
// every caller, admin or anonymous, gets a 500.
import express from 'express';
import { serve } from 'devcap/serve';
import { authorize, createApi, deleteUser } from './api.js';
import { roleFromToken } from './authenticate.js';

const app = express();
app.delete('/api/users/:id', authorize('admin'), deleteUser);
app.use(createApi(roleFromToken, { checkOwnership: false }));

serve(app);
