#!/usr/bin/env node
// npm run schema: writes schema/lab-result.schema.json, the JSON Schema of what
// `devcap lab --json` prints, from the LabResult type itself. A test regenerates it and
// fails when the committed file has drifted from the type.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { labResultSchema } from './schema-source.mjs';

const target = fileURLToPath(new URL('../schema/lab-result.schema.json', import.meta.url));
writeFileSync(target, JSON.stringify(labResultSchema(), null, 2) + '\n');
console.log(`wrote ${target}`);
