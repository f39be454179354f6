// Negative control: fire-and-forget's answer (202, "sending") with the `await` left in: every
// email has been accepted by the provider before the answer, so a crash after it loses none.
import { serve } from 'devcap/serve';
import { createApp } from '../variants/app.js';
import { sendWelcomeEmail } from '../variants/mailer.js';

const app = createApp();

app.post('/signup', async (req, res) => {
  const { email } = req.body;
  await sendWelcomeEmail(email);
  res.status(202).json({ email, welcomeEmail: 'sending' });
});

serve(app);
