// Counts the lines of a file one at a time: readline pulls 64 KiB chunks from a read
// stream and hands out lines as it finds them, so memory holds about one chunk.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const filePath = process.argv[2] ?? process.env.BIG_FILE!;

const lines = createInterface({ input: createReadStream(filePath), crlfDelay: Infinity });
let count = 0;
for await (const _line of lines) count++;
console.log(count);
