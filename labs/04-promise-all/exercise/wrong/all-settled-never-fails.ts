// Wrong solution: Promise.allSettled, "so one failed call cannot break the dashboard". The
// calls run at once, but a failed call now gives a 200 with a hole in it instead of the
// 502 the task asks for.
import express from 'express';
import { serve } from 'devcap/serve';
import { badGateway, getNotifications, getPosts, getUser } from './remote.js';

const app = express();

app.get('/dashboard/:id', async (req, res) => {
  const { id } = req.params;
  const results = await Promise.allSettled([getUser(id), getPosts(id), getNotifications(id)]);
  const [user, posts, notifications] = results.map((result) => (result.status === 'fulfilled' ? result.value : null));
  res.json({ user, posts, notifications });
});

app.use(badGateway);

serve(app);
