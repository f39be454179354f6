// The API every variant serves: JSON bodies and a /ping that touches neither Redis nor the
// mail provider. The variants add POST /signup, and differ only in when the email is sent.
import express from 'express';

export function createApp(): express.Express {
  const app = express();
  app.use(express.json());
  app.get('/ping', (req, res) => {
    res.send('pong');
  });
  return app;
}
