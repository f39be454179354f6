// Negative control: for `errors-have-one-shape` and `unexpected-errors-stay-private`, the lesson's
// `message: err.message` middleware in place of the safe one.
import '../variants/express5-async-route.js';
