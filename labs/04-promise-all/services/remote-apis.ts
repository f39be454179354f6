// Stands in for three remote APIs behind one base URL. Each answers after its own response
// time (the remote side's latency: the variants pay it over a real HTTP hop). A call that
// fails answers 503 at once, the way a service that is down sheds requests.
import express from 'express';
import { serve } from 'devcap/serve';

const userDelayMs = Number(process.env.USER_DELAY_MS ?? 100);
const postsDelayMs = Number(process.env.POSTS_DELAY_MS ?? 100);
const notificationsDelayMs = Number(process.env.NOTIFICATIONS_DELAY_MS ?? 100);
// Users whose notifications are down (an outage the lab's scenarios aim at).
const notificationsDown = new Set((process.env.NOTIFICATIONS_DOWN_FOR ?? '').split(',').filter(Boolean));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const app = express();

// `?fail=1` on any call makes that one call fail.
app.use((req, res, next) => {
  if (req.query.fail === '1') res.status(503).json({ error: 'service unavailable' });
  else next();
});

app.get('/health', (req, res) => {
  res.send('ok');
});

app.get('/users/:id', async (req, res) => {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id < 1) {
    res.status(404).json({ error: 'no such user' });
    return;
  }
  await sleep(userDelayMs);
  res.json({ id, name: `User ${id}`, email: `user${id}@example.com` });
});

/** Posts and notifications are keyed by user id: without it there is nothing to answer. */
function requireUserId(req: express.Request, res: express.Response): number | undefined {
  const userId = Number(req.query.userId);
  if (!req.query.userId || !Number.isSafeInteger(userId) || userId < 1) {
    res.status(400).json({ error: 'userId is required' });
    return undefined;
  }
  return userId;
}

app.get('/posts', async (req, res) => {
  const userId = requireUserId(req, res);
  if (userId === undefined) return;
  await sleep(postsDelayMs);
  res.json([1, 2, 3].map((n) => ({ id: userId * 100 + n, userId, title: `Post ${n} by user ${userId}` })));
});

app.get('/notifications', async (req, res) => {
  const userId = requireUserId(req, res);
  if (userId === undefined) return;
  if (notificationsDown.has(String(userId))) {
    res.status(503).json({ error: 'service unavailable' });
    return;
  }
  await sleep(notificationsDelayMs);
  res.json([{ id: userId * 10 + 1, userId, text: 'Someone liked your post' }]);
});

serve(app);
