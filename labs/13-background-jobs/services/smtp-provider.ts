// Stands in for the mail provider: a real SMTP server (smtp-server) that takes PROVIDER_MS
// to accept each message, as a hosted provider does when it queues, scans and stores it.
// A message counts as sent when the provider answers 250; a client that hangs up before
// that (a crashed process) sent nothing. GET /mailbox?domain=… says what it has so far.
import { serve } from 'devcap/serve';
import express from 'express';
import { SMTPServer } from 'smtp-server';

const PROVIDER_MS = Number(process.env.PROVIDER_MS ?? 200);
const SMTP_PORT = Number(process.env.SMTP_PORT);

const open = new Set<string>();
/** Recipients of the messages being accepted right now, and the count accepted per recipient. */
const sending = new Map<string, string[]>();
const sent = new Map<string, number>();

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  // No reverse DNS of 127.0.0.1 per connection: the provider's time is PROVIDER_MS and the SMTP talk itself.
  disableReverseLookup: true,
  onConnect(session, callback) {
    open.add(session.id);
    callback();
  },
  onClose(session) {
    open.delete(session.id);
  },
  onData(stream, session, callback) {
    const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
    stream.resume();
    stream.on('end', () => {
      sending.set(session.id, recipients);
      setTimeout(() => {
        sending.delete(session.id);
        if (!open.has(session.id)) return;
        for (const to of recipients) sent.set(to, (sent.get(to) ?? 0) + 1);
        callback();
      }, PROVIDER_MS);
    });
  },
});
let listening = false;
smtp.on('error', (error) => {
  console.error(`smtp: ${error.message}`);
  // A port it cannot take: exit, so the run stops with this line instead of waiting.
  if (!listening) process.exit(1);
});

const app = express();

app.get('/ping', (req, res) => {
  res.send('pong');
});

// What the provider has for one domain (each scenario signs its people up under a domain of its own).
app.get('/mailbox', (req, res) => {
  const domain = `@${String(req.query.domain ?? '').toLowerCase()}`;
  const mine = (to: string) => to.endsWith(domain);
  res.json({
    sending: [...sending.values()].flat().filter(mine).length,
    sent: Object.fromEntries([...sent].filter(([to]) => mine(to))),
  });
});

// Ready (the HTTP side answers) once the SMTP side is listening.
smtp.listen(SMTP_PORT, '127.0.0.1', () => {
  listening = true;
  serve(app, () => new Promise<void>((resolve) => smtp.close(() => resolve())));
});
