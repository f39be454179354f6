// Negative control: the sequential gateway in the place of the parallel one: it costs the sum, not the slowest.
import '../variants/gateway-sequential.js';
