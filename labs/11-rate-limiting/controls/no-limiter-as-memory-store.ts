// Negative control: no limiter in the place of the memory-store one: every password guess
// reaches the password check.
import '../variants/no-limiter.js';
