// Negative control: the timeout gateway in the place of the one without: a slow service
// costs the timeout, not its own time.
import '../variants/gateway-timeout.js';
