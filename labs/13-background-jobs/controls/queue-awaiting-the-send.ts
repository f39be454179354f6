// Negative control: the queue, but signup waits for the worker to finish the job before it
// answers 202 "queued" ("so we know the email went out"): the answer is right, and as slow
// as sending inline; nothing is left waiting in Redis.
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { serve } from 'devcap/serve';
import { createApp } from '../variants/app.js';
import { QUEUE_NAME, queuePrefix } from '../variants/queue-name.js';

const connection = { url: process.env.REDIS_URL };
const prefix = queuePrefix(process.env.REDIS_KEY_PREFIX);
const emails = new Queue(QUEUE_NAME, { connection, prefix });
const events = new QueueEvents(QUEUE_NAME, { connection, prefix });
await events.waitUntilReady();

const app = createApp();

app.post('/signup', async (req, res) => {
  const { email } = req.body;
  const job = await emails.add('welcome', { email }, { jobId: randomUUID(), attempts: 8, backoff: { type: 'exponential', delay: 50 }, removeOnComplete: true });
  await job.waitUntilFinished(events);
  res.status(202).json({ email, welcomeEmail: 'queued' });
});

serve(app, async () => {
  await events.close();
  await emails.close();
});
