// Signup starts sending the welcome email and answers without waiting for it: as quick as
// a queue, but the email exists only in this process's memory. A crash or a restart loses
// it, and nothing retries a send that failed.
import { serve } from 'devcap/serve';
import { createApp } from './app.js';
import { sendWelcomeEmail } from './mailer.js';

const app = createApp();

app.post('/signup', (req, res) => {
  const { email } = req.body;
  sendWelcomeEmail(email).catch((error) => console.error(`welcome email to ${email} failed:`, error));
  res.status(202).json({ email, welcomeEmail: 'sending' });
});

serve(app);
