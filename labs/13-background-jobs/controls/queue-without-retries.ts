// Negative control: the queue with no retries: every job is added with attempts: 1, so a send
// the provider refuses fails once and for all, and its email is never delivered.
import { Queue } from 'bullmq';

const add = Queue.prototype.add;
Queue.prototype.add = function (name, data, options) {
  return add.call(this, name, data, { ...options, attempts: 1 });
};
await import('../variants/bullmq-queue.js');
