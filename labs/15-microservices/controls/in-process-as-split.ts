// Negative control: the monolith in the split order service's place. The four services still
// run beside it, but no order calls them: no hops.
import '../variants/monolith.js';
