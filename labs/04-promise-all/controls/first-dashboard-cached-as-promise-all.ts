// Negative control: Promise.all, but the first dashboard fetched is kept in one variable and
// served for every id after it. Most answers take no remote call at all, and all but the
// first user's are someone else's dashboard: the run must be invalid.
import express from 'express';
import { serve } from 'devcap/serve';
import { badGateway, getNotifications, getPosts, getUser } from '../variants/remote.js';

const app = express();
let cached: unknown;

app.get('/dashboard/:id', async (req, res) => {
  if (!cached) {
    const { id } = req.params;
    const [user, posts, notifications] = await Promise.all([getUser(id), getPosts(id), getNotifications(id)]);
    cached = { user, posts, notifications };
  }
  res.json(cached);
});

app.use(badGateway);

serve(app);
