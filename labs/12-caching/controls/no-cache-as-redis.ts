// Negative control: no cache in the place of the Redis cache.
import '../variants/no-cache.js';
