// Three independent calls, each awaited before the next one starts: the request
// waits for user + posts + notifications, the sum of the three response times.
import express from 'express';
import { serve } from 'devcap/serve';
import { badGateway, getNotifications, getPosts, getUser } from './remote.js';

const app = express();

app.get('/dashboard/:id', async (req, res) => {
  const { id } = req.params;
  // None of these needs another's answer, yet each waits for the one before it.
  const user = await getUser(id);
  const posts = await getPosts(id);
  const notifications = await getNotifications(id);
  res.json({ user, posts, notifications });
});

app.use(badGateway);

serve(app);
