// Negative control: fire-and-forget in the place of the inline send: it answers without
// waiting for the provider.
import '../variants/fire-and-forget.js';
