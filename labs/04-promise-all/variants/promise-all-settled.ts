// Promise.allSettled waits for every call and reports each one's outcome, so the dashboard
// shows what did arrive and marks what did not, instead of failing as a whole.
import express from 'express';
import { serve } from 'devcap/serve';
import { badGateway, getNotifications, getPosts, getUser } from './remote.js';

const app = express();

app.get('/dashboard/:id', async (req, res) => {
  const { id } = req.params;
  const [user, posts, notifications] = await Promise.allSettled([getUser(id), getPosts(id), getNotifications(id)]);
  // Without the user there is no dashboard to show: that failure still fails the request.
  if (user.status === 'rejected') throw user.reason;
  const errors: Record<string, string> = {};
  const part = <T>(name: string, result: PromiseSettledResult<T>): T | null => {
    if (result.status === 'fulfilled') return result.value;
    errors[name] = (result.reason as Error).message;
    return null;
  };
  res.json({ user: user.value, posts: part('posts', posts), notifications: part('notifications', notifications), errors });
});

app.use(badGateway);

serve(app);
