// Wrong solution: Promise.all over the user and the posts, and notifications left as an
// empty list "for now". Fast, and every dashboard is missing its notifications.
import express from 'express';
import { serve } from 'devcap/serve';
import { badGateway, getPosts, getUser } from './remote.js';

const app = express();

app.get('/dashboard/:id', async (req, res) => {
  const { id } = req.params;
  const [user, posts] = await Promise.all([getUser(id), getPosts(id)]);
  res.json({ user, posts, notifications: [] });
});

app.use(badGateway);

serve(app);
