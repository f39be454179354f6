// Negative control: Promise.all in the place of Promise.allSettled: one failed call fails the
// whole dashboard with a 502 instead of a partial 200.
import '../variants/promise-all.js';
