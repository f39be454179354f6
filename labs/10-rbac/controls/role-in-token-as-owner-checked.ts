// Negative control: rejects `ownership-check-refuses` with no ownership check where the
// claim expects one, so the other user's order is changed.
import '../variants/role-in-token.js';
