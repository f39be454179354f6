// Negative control: for `missing-return-deletes-anyway`, the middleware with `return` in place of
// the one without, so the refused DELETE deletes nothing.
import '../variants/auth-returns-early.js';
