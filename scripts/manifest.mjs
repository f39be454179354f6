#!/usr/bin/env node
// Part of the build: writes dist/labs/manifest.json, what `devcap --help` and `devcap list`
// need to know of every lab (day, slug, title, variants, claims, parameters, needs), so
// neither imports a lab definition. A lab is imported only when it runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILED_LABS_DIR, describeLab, labFolders, loadLab } from '../dist/src/lab/registry.js';

const entries = [];
for (const folder of labFolders(COMPILED_LABS_DIR, false)) entries.push(describeLab(await loadLab(folder)));
writeFileSync(join(COMPILED_LABS_DIR, 'manifest.json'), JSON.stringify(entries, null, 2) + '\n');
