// Negative control: the breaker gateway with its breakers taken out, which is the timeout
// gateway: every call to a failing service waits out the timeout, and the service keeps receiving them.
import '../variants/gateway-timeout.js';
