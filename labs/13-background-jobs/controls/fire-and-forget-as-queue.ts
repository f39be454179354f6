// Negative control: fire-and-forget in the place of the queue, wrong but fast: as quick, and
// its answer (202, "sending") is not the queue's (202, "queued"), so a run refuses to judge it.
import '../variants/fire-and-forget.js';
