// The welcome email, sent through the mail provider's SMTP server with nodemailer. Every
// variant sends it the same way; they differ in when, and in which process.
import nodemailer from 'nodemailer';

const transporter = nodemailer.createTransport({ host: '127.0.0.1', port: Number(process.env.SMTP_PORT), secure: false });

// `messageId` names the email: sent again with the same one, the copy is recognisably the
// same email. Without it nodemailer makes up a new one for every send.
export async function sendWelcomeEmail(email: string, messageId?: string): Promise<void> {
  await transporter.sendMail({
    messageId,
    from: 'Devcap <hello@devcap.example>',
    to: email,
    subject: 'Welcome aboard',
    text: `Hi ${email}, thanks for signing up. Your account is ready.`,
  });
}
