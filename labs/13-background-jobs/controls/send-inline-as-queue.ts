// Negative control: the inline send in the place of the queue: every signup waits for the
// provider, nothing is queued, and it answers 201 "sent" where the queue answers 202 "queued".
import '../variants/send-inline.js';
