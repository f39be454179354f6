// Negative control: rejects `unguarded-verify-is-500` with the fixed middleware in place of the
// lesson's, so a garbage token gets a 401 instead of a 500.
import '../variants/verify-hs256.js';
