#!/usr/bin/env node
// npm run readme: writes the README's tables that list labs (the lab table, the exercise
// table) from the lab definitions, between devcap:labs and devcap:exercises markers, so a new
// lab folder needs no hand-written row. `--check` writes nothing and exits 1 when the README
// differs from what the definitions say (the contract test runs the same function).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readmeTables } from './readme-source.mjs';

const path = fileURLToPath(new URL('../README.md', import.meta.url));
const before = readFileSync(path, 'utf8');
const after = await readmeTables(before);
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('README.md: the lab tables are stale; run npm run readme');
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(path, after);
  console.log(`rewrote the lab tables in ${path}`);
}
