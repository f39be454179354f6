// Negative control: plain read spreading in the place of sticky routing: a user's read
// right after their own write may land on the standby, which has not replayed it yet.
import '../variants/read-replica.js';
