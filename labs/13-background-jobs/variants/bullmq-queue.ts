// Signup puts the welcome email on a BullMQ queue in Redis and answers 202 at once; a
// worker process (email-worker.ts) sends it. Once `add` resolves, the job is in Redis:
// it outlives a crash of this process or of the worker, and a failed send is retried.
import { Queue } from 'bullmq';
import { serve } from 'devcap/serve';
import { createApp } from './app.js';
import { QUEUE_NAME, queuePrefix } from './queue-name.js';

const emails = new Queue(QUEUE_NAME, {
  connection: { url: process.env.REDIS_URL },
  prefix: queuePrefix(process.env.REDIS_KEY_PREFIX),
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true },
});

const app = createApp();

app.post('/signup', async (req, res) => {
  const { email } = req.body;
  await emails.add('welcome', { email });
  res.status(202).json({ email, welcomeEmail: 'queued' });
});

serve(app, () => emails.close());
