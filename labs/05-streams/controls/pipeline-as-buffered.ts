// Negative control: pipeline() in the place of the buffered server: one chunk in memory, not the file.
import '../variants/stream-pipeline.js';
