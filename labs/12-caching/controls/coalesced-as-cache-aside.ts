// Negative control: the coalescing cache in the place of plain cache-aside: no stampede.
import '../variants/redis-cache-coalesced.js';
