// Every request runs the best-sellers query in the database.
import { serve } from 'devcap/serve';
import { query, type BestSeller } from './db.js';
import { createShop } from './shop.js';

const app = createShop({
  bestSellers: (category) => query<BestSeller>('bestSellers', [category]),
  forget: () => {},
});

serve(app);
