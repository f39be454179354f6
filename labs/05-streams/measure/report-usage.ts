/**
 * Preloaded (`node --import`) into the line-counting scripts by lab.ts, so the scripts
 * stay plain programs: when the script's process exits, this writes its peak RSS and run
 * time as JSON to file descriptor 3, a pipe the lab reads.
 */
import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

process.on('exit', () => {
  const usage = { maxRssBytes: process.resourceUsage().maxRSS * 1024, wallMs: performance.now() };
  try {
    writeSync(3, JSON.stringify(usage));
  } catch {
    // run by hand, without the lab's pipe: nothing to report to
  }
});
