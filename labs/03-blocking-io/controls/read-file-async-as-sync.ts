// Negative control: fs.promises.readFile in the place of readFileSync. The read happens on
// libuv's thread pool, so a /ping no longer waits for as long as the reads take.
import '../variants/read-file-async.js';
