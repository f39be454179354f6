// Negative control: rejects `authorize-without-auth-is-500` with authenticate before
// authorize, so the DELETE gets 401 or 204, not 500.
import '../variants/role-in-token.js';
