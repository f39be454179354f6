// Negative control: a monolith that logs uncaught exceptions and carries on, so the
// notification bug no longer ends it (and orders keep coming).
process.on('uncaughtException', (error) => console.error(`confirmation failed: ${error.message}`));
await import('../variants/monolith.js');
