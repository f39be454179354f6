// The worker: its own process, taking welcome emails off the queue and sending them, ten
// at a time (a send is mostly waiting for the provider). A job whose worker dies goes back
// to the queue once its lock expires: 30 s by default, 4 s here so the lab need not wait.
import { createServer } from 'node:http';
import { Worker } from 'bullmq';
import { serve } from 'devcap/serve';
import { sendWelcomeEmail } from './mailer.js';
import { QUEUE_NAME, queuePrefix } from './queue-name.js';

// The job's id (the signup's) names the email: a job sent twice sends the same Message-ID twice.
const worker = new Worker<{ email: string }>(QUEUE_NAME, (job) => sendWelcomeEmail(job.data.email, `<welcome-${job.id}@devcap.example>`), {
  connection: { url: process.env.REDIS_URL },
  prefix: queuePrefix(process.env.REDIS_KEY_PREFIX),
  concurrency: 10,
  lockDuration: 4000,
  stalledInterval: 1000,
});
worker.on('failed', (job, error) => console.error(`job ${job?.id} failed (attempt ${job?.attemptsMade} of ${job?.opts.attempts ?? 1}): ${error.message}`));
worker.on('stalled', (jobId) => console.log(`job ${jobId} stalled (its worker died mid-send): back in the queue`));
await worker.waitUntilReady();

// A worker answers no requests; this small server lets devcap see it is up and stop it
// (SIGTERM closes the worker, which lets the emails it is sending finish first).
serve(createServer((req, res) => res.end('ok')), () => worker.close());
