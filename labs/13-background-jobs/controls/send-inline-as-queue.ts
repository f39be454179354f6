// Negative control: the inline send in the place of the queue: every signup waits for the
// provider, and nothing is queued.
import '../variants/send-inline.js';
