// Three independent calls, each awaited before the next one starts: the request
// waits for user + posts + notifications, the sum of the three response times.
import express from 'express';
import { serve } from 'devcap/serve';
import { badGateway, getNotifications, getPosts, getUser } from './remote.js';

const app = express();

app.get('/dashboard/:id', async (req, res) => {
  const user = await getUser(req.params.id);
  const posts = await getPosts(user.id);
  const notifications = await getNotifications(user.id);
  res.json({ user, posts, notifications });
});

app.use(badGateway);

serve(app);
