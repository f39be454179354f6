// Negative control: no cache in the place of the in-process one.
import '../variants/no-cache.js';
