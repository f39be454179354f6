// Negative control: plain read spreading in the place of waiting for replay: nothing waits.
import '../variants/read-replica.js';
