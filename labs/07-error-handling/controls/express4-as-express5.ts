// Negative control: for `express5-keeps-serving` and `database-down-is-503`, the Express 4 app in
// place of an Express 5 one, so the first error thrown in an async route ends the process.
import '../variants/express4-async-route.js';
