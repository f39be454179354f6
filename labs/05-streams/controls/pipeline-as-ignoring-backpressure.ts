// Negative control: pipeline() in the place of write() ignoring backpressure: a slow client
// holds one chunk, not the whole file.
import '../variants/stream-pipeline.js';
