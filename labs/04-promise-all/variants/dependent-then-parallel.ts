// When a call needs something from another one's answer, that much must wait: the user
// first (posts and notifications need user.id), then the two independent calls together.
import express from 'express';
import { serve } from 'devcap/serve';
import { badGateway, getNotifications, getPosts, getUser } from './remote.js';

const app = express();

app.get('/dashboard/:id', async (req, res) => {
  const user = await getUser(req.params.id);
  const [posts, notifications] = await Promise.all([getPosts(user.id), getNotifications(user.id)]);
  res.json({ user, posts, notifications });
});

app.use(badGateway);

serve(app);
