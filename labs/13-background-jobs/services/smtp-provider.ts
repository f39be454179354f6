// Stands in for the mail provider: a real SMTP server (smtp-server) that takes PROVIDER_MS
// to accept each message, as a hosted provider does when it queues, scans and stores it.
// A message counts as sent when the provider answers 250; a client that hangs up before
// that (a crashed process) sent nothing. Mail to any domain ending in flaky.test is
// refused FAIL_PERCENT% of the time, at random, with a 451 (a temporary failure: try
// again later), as a provider under strain does. GET /mailbox?domain=… says what it has.
import { serve } from 'devcap/serve';
import express from 'express';
import { SMTPServer } from 'smtp-server';

const PROVIDER_MS = Number(process.env.PROVIDER_MS ?? 200);
const SMTP_PORT = Number(process.env.SMTP_PORT);
const FAIL_PERCENT = Number(process.env.FAIL_PERCENT ?? 30);

const flaky = (to: string) => to.endsWith('flaky.test');

const open = new Set<string>();
/** Recipients of the messages being accepted right now. */
const sending = new Map<string, string[]>();
/** Per recipient: the Message-ID of every message accepted (a repeated one is a duplicate), and how many were refused. */
const accepted = new Map<string, string[]>();
const refused = new Map<string, number>();

const add = <T>(map: Map<string, T[]>, key: string, value: T) => map.set(key, [...(map.get(key) ?? []), value]);

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
    let message = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (message += chunk));
    stream.on('end', () => {
      const messageId = /^message-id:\s*(\S+)/im.exec(message)?.[1] ?? '';
      sending.set(session.id, recipients);
      setTimeout(() => {
        sending.delete(session.id);
        if (!open.has(session.id)) return;
        if (recipients.some(flaky) && Math.random() * 100 < FAIL_PERCENT) {
          for (const to of recipients) refused.set(to, (refused.get(to) ?? 0) + 1);
          return callback(Object.assign(new Error('4.3.0 Temporary failure, try again later'), { responseCode: 451 }));
        }
        for (const to of recipients) add(accepted, to, messageId);
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
  const ids = [...accepted].filter(([to]) => mine(to));
  res.json({
    sending: [...sending.values()].flat().filter(mine).length,
    sent: Object.fromEntries(ids.map(([to, messageIds]) => [to, messageIds.length])),
    messageIds: Object.fromEntries(ids),
    refused: Object.fromEntries([...refused].filter(([to]) => mine(to))),
  });
});

// Ready (the HTTP side answers) once the SMTP side is listening.
smtp.listen(SMTP_PORT, '127.0.0.1', () => {
  listening = true;
  serve(app, () => new Promise<void>((resolve) => smtp.close(() => resolve())));
});
