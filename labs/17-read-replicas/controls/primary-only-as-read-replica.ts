// Negative control: one server for everything in the place of the read replica: no second
// server to spread reads over, and nothing stale to read.
import '../variants/primary-only.js';
