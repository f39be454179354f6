// Negative control: for `reject-before-parsing`, runs the parse-first order in place of
// auth-before-json, so both sides parse every body and the CPU ratio falls to about 1.
import '../variants/auth-after-json.js';
