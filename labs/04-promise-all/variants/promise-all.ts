// All three calls start at once and Promise.all waits for the slowest: the request costs
// the max of the three. Posts and notifications need the user id, taken from the URL.
import express from 'express';
import { serve } from 'devcap/serve';
import { badGateway, getNotifications, getPosts, getUser } from './remote.js';

const app = express();

app.get('/dashboard/:id', async (req, res) => {
  const { id } = req.params;
  // If any call fails, Promise.all rejects at once and Express 5 hands the error to badGateway.
  const [user, posts, notifications] = await Promise.all([getUser(id), getPosts(id), getNotifications(id)]);
  res.json({ user, posts, notifications });
});

app.use(badGateway);

serve(app);
