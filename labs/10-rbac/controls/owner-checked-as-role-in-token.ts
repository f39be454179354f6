// Negative control: rejects `bola-without-ownership-check` with the ownership check where
// the claim expects none, so the other user's order is refused.
import '../variants/owner-checked.js';
