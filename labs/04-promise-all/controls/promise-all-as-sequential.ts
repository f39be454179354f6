// Negative control: Promise.all in the place of sequential awaits: it costs the max, not the sum.
import '../variants/promise-all.js';
