// Negative control: two instances with in-memory counts in the place of the Redis-backed pair.
process.env.INSTANCE = 'memory-store';
await import('../variants/round-robin.js');
