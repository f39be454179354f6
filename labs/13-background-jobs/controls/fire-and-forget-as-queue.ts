// Negative control: fire-and-forget in the place of the queue: as quick, but the email lives
// only in the API process, and a restart loses it.
import '../variants/fire-and-forget.js';
