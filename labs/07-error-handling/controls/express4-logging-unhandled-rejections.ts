// Negative control: the Express 4 app with the "fix" found in many answers online, a
// process-wide unhandledRejection handler that logs and carries on. The process lives, but
// the rejected route never calls next(err): the client asking for a malformed id waits for
// an answer that never comes.
process.on('unhandledRejection', (reason) => console.error('unhandled rejection:', reason));
await import('../variants/express4-async-route.js');
