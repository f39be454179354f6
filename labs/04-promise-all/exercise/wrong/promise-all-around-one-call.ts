// Wrong solution: Promise.all added around the first call, the other two awaited after it as
// before. A Promise.all of one call waits for that call: still user, then posts, then
// notifications.
import express from 'express';
import { serve } from 'devcap/serve';
import { badGateway, getNotifications, getPosts, getUser } from './remote.js';

const app = express();

app.get('/dashboard/:id', async (req, res) => {
  const { id } = req.params;
  const [user] = await Promise.all([getUser(id)]);
  const posts = await getPosts(id);
  const notifications = await getNotifications(id);
  res.json({ user, posts, notifications });
});

app.use(badGateway);

serve(app);
