// Negative control: for `checked-token-refuses-made-up`, the lesson's presence-only check in
// place of the one that compares the value, so a made-up token gets the private profile.
import '../variants/auth-token-present.js';
