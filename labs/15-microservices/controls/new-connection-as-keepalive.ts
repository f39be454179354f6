// Negative control: the order service that opens a connection per call in the place of the
// kept-alive one.
import '../variants/split-new-connection.js';
