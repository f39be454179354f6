// Negative control: the kept-alive order service in the place of the one that opens a
// connection per call.
import '../variants/split-keepalive.js';
