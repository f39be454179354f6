// Counts the lines of a file by reading all of it into one string and splitting it.
// Short and quick, but memory holds the whole file at least twice (the bytes and the
// string) plus an array with one entry per line.
import { readFile } from 'node:fs/promises';

const filePath = process.argv[2] ?? process.env.BIG_FILE!;

const text = await readFile(filePath, 'utf8');
const lines = text.split('\n');
// A file that ends with a newline leaves an empty string after its last line.
const count = lines.at(-1) === '' ? lines.length - 1 : lines.length;
console.log(count);
