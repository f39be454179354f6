// Negative control: awaiting in sequence in the place of Promise.all. It costs the sum, and a
// failing call is only reached after the calls before it.
import '../variants/sequential-await.js';
