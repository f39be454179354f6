// Signup puts the welcome email on a BullMQ queue in Redis and answers 202 at once; a
// worker process (email-worker.ts) sends it. Once `add` resolves, the job is in Redis:
// it outlives a crash of this process or of the worker, and a failed send is retried.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { serve } from 'devcap/serve';
import { createApp } from './app.js';
import { QUEUE_NAME, queuePrefix } from './queue-name.js';

const emails = new Queue(QUEUE_NAME, { connection: { url: process.env.REDIS_URL }, prefix: queuePrefix(process.env.REDIS_KEY_PREFIX) });

const app = createApp();

app.post('/signup', async (req, res) => {
  const { email } = req.body;
  const signupId = randomUUID(); // the new account's id: one welcome email per signup
  await emails.add(
    'welcome',
    { email },
    {
      jobId: signupId, // the worker sends it as the Message-ID: a resend is recognisably the same email
      attempts: 8, // a failed send is tried again, up to 8 times in all…
      backoff: { type: 'exponential', delay: 50 }, // …after 50, 100, 200, … 3,200 ms (seconds in production)
      removeOnComplete: true,
    },
  );
  res.status(202).json({ email, welcomeEmail: 'queued' });
});

serve(app, () => emails.close());
