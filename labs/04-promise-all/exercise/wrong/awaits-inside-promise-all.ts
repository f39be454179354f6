// Wrong solution: Promise.all over the three calls, each one awaited inside the array. Each
// await finishes before the next call starts, so Promise.all receives three finished values:
// the dashboard still costs the sum.
import express from 'express';
import { serve } from 'devcap/serve';
import { badGateway, getNotifications, getPosts, getUser } from './remote.js';

const app = express();

app.get('/dashboard/:id', async (req, res) => {
  const { id } = req.params;
  const [user, posts, notifications] = await Promise.all([await getUser(id), await getPosts(id), await getNotifications(id)]);
  res.json({ user, posts, notifications });
});

app.use(badGateway);

serve(app);
