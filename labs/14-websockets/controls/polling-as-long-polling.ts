// Negative control: a server that answers at once (plain polling) in the place of long polling:
// the long-polling clients, which ask again as soon as they get an answer, ask without pause.
import '../variants/polling.js';
