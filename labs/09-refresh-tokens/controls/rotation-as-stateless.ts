// Negative control: rejects `stateless-refresh-never-dies`. The Redis rotation in place of
// the stateless token: the second use and the use after logout are refused.
import '../variants/refresh-rotation.js';
