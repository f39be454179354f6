// Long polling: the same question as polling, but when there is nothing new the server holds
// the request open and answers it the moment a message is published (or after 25 s, empty).
import type { Response } from 'express';
import { serve } from 'devcap/serve';
import { createApp } from './app.js';

const waiting = new Set<Response>();

const { app, since } = createApp((message) => {
  for (const res of waiting) res.json([message]);
  waiting.clear();
});

app.get('/messages', (req, res) => {
  const news = since(Number(req.query.since ?? 0));
  if (news.length > 0) return void res.json(news);
  waiting.add(res);
  const timer = setTimeout(() => waiting.delete(res) && res.json([]), 25_000);
  res.on('close', () => {
    clearTimeout(timer);
    waiting.delete(res);
  });
});

serve(app);
