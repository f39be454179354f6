// Negative control: for `presence-check-admits-any-token`, the middleware that checks the
// token's value in place of the lesson's presence check, so a made-up token is refused.
import '../variants/auth-token-checked.js';
