#!/usr/bin/env node
import { main } from '../dist/src/cli/index.js';
main(process.argv);
