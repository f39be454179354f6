// Negative control: two instances sharing counts in Redis in the place of the in-memory pair:
// the limit holds, so "each instance counts alone" must fail.
process.env.INSTANCE = 'redis-store';
await import('../variants/round-robin.js');
