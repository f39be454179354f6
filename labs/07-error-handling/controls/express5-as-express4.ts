// Negative control: for `express4-crash-loses-most`, the same routes on Express 5 in place of
// Express 4, so the bad ids get their 400 and the process lives.
import '../variants/express5-async-route.js';
