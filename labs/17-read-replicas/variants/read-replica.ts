// Writes go to the primary; reads are spread over the primary and the standby. Twice the
// servers for reads, but a read on the standby shows what the standby has replayed so far.
import { serve } from 'devcap/serve';
import { createApi } from './api.js';
import { nextReadPool, readItem } from './db.js';

serve(
  createApi({
    read: (id) => readItem(nextReadPool(), id),
    wrote: () => {},
  }),
);
