// Negative control: plain cache-aside in the place of the coalescing one: every concurrent
// miss queries the database.
import '../variants/redis-cache-aside.js';
