// Negative control: for `refused-delete-never-runs`, the middleware without `return` in place of
// the one with it, so the refused DELETE reaches the route.
import '../variants/auth-missing-return.js';
