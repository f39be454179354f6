// Negative control: the coalescing cache in the place of the in-process one: no stampede.
import '../variants/redis-cache-coalesced.js';
