// Where the queue lives in Redis: shared by the API, the worker and the lab (which counts
// and empties the queue between runs), so it imports nothing. BullMQ takes a `prefix`
// of its own (it refuses ioredis's keyPrefix); under REDIS_KEY_PREFIX, the run's cleanup
// finds every key.
export const QUEUE_NAME = 'welcome-emails';

export const queuePrefix = (keyPrefix = '') => `${keyPrefix}bull`;
