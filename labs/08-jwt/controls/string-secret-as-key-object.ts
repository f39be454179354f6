// Negative control: rejects `key-object-verifies-cheaper`. The string-secret variant on
// both sides of the ratio, so the CPU per request is the same and the ratio falls to about 1.
import '../variants/verify-hs256.js';
