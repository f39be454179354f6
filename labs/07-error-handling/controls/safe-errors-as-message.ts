// Negative control: for `message-leaks-internals`, the safe middleware in place of the one that
// answers with err.message, so nothing internal reaches the client.
import '../variants/express5-safe-errors.js';
