// One server does everything: every read and every write goes to the primary.
import { serve } from 'devcap/serve';
import { createApi } from './api.js';
import { primary, readItem } from './db.js';

serve(
  createApi({
    read: (id) => readItem(primary, id),
    wrote: () => {},
  }),
);
