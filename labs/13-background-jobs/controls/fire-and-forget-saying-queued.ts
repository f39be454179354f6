// Negative control: fire-and-forget that answers exactly as the queue does (202, "queued"):
// as quick and indistinguishable by its answers, but the email lives only in this process,
// and the API's restart loses it.
import { serve } from 'devcap/serve';
import { createApp } from '../variants/app.js';
import { sendWelcomeEmail } from '../variants/mailer.js';

const app = createApp();

app.post('/signup', (req, res) => {
  const { email } = req.body;
  sendWelcomeEmail(email).catch((error) => console.error(`welcome email to ${email} failed:`, error));
  res.status(202).json({ email, welcomeEmail: 'queued' });
});

serve(app);
