// Negative control: the worker-pool server in the place of pbkdf2-sync. Nothing blocks the
// event loop any more, so every claim that "the synchronous hash freezes everyone" must fail.
import '../variants/worker-pool.js';
