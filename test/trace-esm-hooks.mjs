// Runs on Node's hooks thread: writes straight to stderr, one line per resolved URL.
import { writeSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  writeSync(2, `RESOLVED_MODULE ${result.url}\n`);
  return result;
}
