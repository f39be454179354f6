// Negative control: the inline send in the place of fire-and-forget: every email has been
// accepted by the provider before the answer, so a crash after it loses none.
import '../variants/send-inline.js';
