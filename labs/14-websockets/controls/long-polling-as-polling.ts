// Negative control: a server that holds each question open (long polling) in the place of plain
// polling: the polling clients get news at once, and ask far less often than once an interval.
import '../variants/long-polling.js';
