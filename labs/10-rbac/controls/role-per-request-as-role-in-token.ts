// Negative control: rejects `stale-role-in-token` with the role looked up per request
// where the token's role should be, so the demoted admin is refused.
import '../variants/role-per-request.js';
