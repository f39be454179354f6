// Negative control: rejects `role-looked-up-refuses-at-once` with the role from the token
// where the per-request lookup should be, so the demoted admin keeps deleting.
import '../variants/role-in-token.js';
