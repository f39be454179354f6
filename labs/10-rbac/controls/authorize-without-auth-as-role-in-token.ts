// Negative control: rejects `rbac-matrix` with authorize without authenticate on DELETE,
// so every caller gets 500 there.
import '../variants/authorize-without-auth.js';
