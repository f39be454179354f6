// Negative control: rejects `bad-token-is-401-with-challenge` with the lesson's middleware (no
// try/catch) in place of the fixed one, so a garbage token gets a 500.
import '../variants/verify-no-try.js';
