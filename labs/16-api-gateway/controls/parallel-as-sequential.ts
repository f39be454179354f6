// Negative control: the parallel gateway in the place of the sequential one: it costs the slowest, not the sum.
import '../variants/gateway-parallel.js';
