// Negative control: rejects `reuse-revokes-family` and `logout-revokes`. The stateless
// refresh token in place of the Redis rotation: reused and logged-out tokens still work.
import '../variants/refresh-stateless.js';
