// Signup sends the welcome email before it answers: every request waits for the mail
// provider, however quick the rest of the handler is.
import { serve } from 'devcap/serve';
import { createApp } from './app.js';
import { sendWelcomeEmail } from './mailer.js';

const app = createApp();

app.post('/signup', async (req, res) => {
  const { email } = req.body;
  await sendWelcomeEmail(email);
  res.status(201).json({ email, welcomeEmail: 'sent' });
});

serve(app);
