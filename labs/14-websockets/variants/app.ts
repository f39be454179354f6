// What every variant shares: POST /publish takes a message and hands it on, GET /health
// answers the load. The variants differ only in how a message reaches the subscribers.
import express from 'express';

export interface Message {
  id: number;
  /** Which publish this is, and when the publisher sent it (its clock: ms since the epoch). */
  tag: string;
  sentAt: number;
}

/**
 * Ids taken from the clock keep growing across a restart, so the "newest id I have seen" a
 * polling client holds stays valid when the server comes back with an empty memory.
 */
export function clockIds(): () => number {
  let last = 0;
  return () => (last = Math.max(last + 1, Date.now()));
}

export function createApp(deliver: (message: Message) => void, nextId = clockIds()) {
  const app = express();
  const recent: Message[] = [];
  app.use(express.json());

  app.get('/health', (req, res) => {
    res.json({ ok: true });
  });

  app.post('/publish', (req, res) => {
    const message: Message = { tag: String(req.body.tag), sentAt: Number(req.body.sentAt), id: nextId() };
    recent.push(message);
    if (recent.length > 100) recent.shift();
    deliver(message);
    res.status(201).json({ id: message.id });
  });

  /** The messages a client that has seen up to `id` has not seen yet. */
  const since = (id: number) => recent.filter((message) => message.id > id);
  return { app, since };
}
