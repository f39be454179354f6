#!/usr/bin/env node
// npm run bench: prints the figures behind devcap's timing goals. Timing is not asserted
// in tests (a noisy machine would make them flaky); it is measured and printed here.
//
//   node scripts/bench.mjs [--labs 1,2,...] [--no-default]
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadAllLabs, loadLab } from '../dist/src/lab/registry.js';
import { VariantProcess } from '../dist/src/harness/variant-process.js';
import { runLoad, warmUp } from '../dist/src/harness/load.js';
import { median } from '../dist/src/harness/stats.js';

const bin = fileURLToPath(new URL('../bin/devcap.js', import.meta.url));
const autocannonCli = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));
const args = process.argv.slice(2);
const labsArg = args.includes('--labs') ? args[args.indexOf('--labs') + 1].split(',') : null;
const withDefault = !args.includes('--no-default');

const line = (label, value, target) => console.log(`${label.padEnd(44)} ${value.padStart(12)}${target ? `   (target ${target})` : ''}`);

function timeCommand(argv) {
  const start = performance.now();
  const result = spawnSync(process.execPath, [bin, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  return { ms: performance.now() - start, status: result.status, stdout: result.stdout.toString() };
}

// 1. start-up, side by side with a bare node: the same minute of the same machine
function timeNode(argv) {
  const start = performance.now();
  spawnSync(process.execPath, argv, { stdio: 'ignore' });
  return performance.now() - start;
}
const bare = [];
const startup = { '--help': [], '--version': [], list: [] };
for (let i = 0; i < 15; i++) {
  bare.push(timeNode(['-e', '0']));
  for (const command of Object.keys(startup)) startup[command].push(timeCommand([command]).ms);
}
const bareMs = median(bare);
line('bare node -e 0, median of 15', `${Math.round(bareMs)} ms`);
for (const [command, times] of Object.entries(startup)) {
  const ms = median(times);
  line(`devcap ${command}, median of 15`, `${Math.round(ms)} ms (+${Math.round(ms - bareMs)})`, '≤ bare node + 30 ms');
}

// 2. wall time of each lab, quick and default
const labs = (await loadAllLabs()).filter(({ lab }) => !labsArg || labsArg.includes(String(lab.day)));
for (const { lab } of labs) {
  const modes = withDefault ? [['--quick'], []] : [['--quick']];
  for (const mode of modes) {
    const run = timeCommand(['lab', String(lab.day), ...mode, '--json']);
    let verdicts = 'no JSON';
    try {
      const result = JSON.parse(run.stdout);
      const counts = {};
      for (const claim of result.claims) counts[claim.verdict] = (counts[claim.verdict] ?? 0) + 1;
      verdicts = Object.entries(counts).map(([verdict, count]) => `${count} ${verdict}`).join(', ');
    } catch {}
    line(`lab ${lab.day} ${mode.length ? '--quick' : 'default'} wall time`, `${(run.ms / 1000).toFixed(1)} s`, mode.length ? '≤ 15 s' : '≤ 60 s');
    console.log(`${''.padEnd(44)} exit ${run.status}; ${verdicts}`);
  }
}

// 3. fidelity: devcap's load against the autocannon CLI, same Express server, same session
const express = await loadLab('01-hello-throughput');
const server = await VariantProcess.start({ name: 'bench/express', file: express.variantPath('express'), env: {}, readyPath: '/', readyStatus: 200 });
try {
  await warmUp({ port: server.port, path: '/', connections: 10, count: 3000 });
  const ours = [];
  const theirs = [];
  for (let i = 0; i < 3; i++) {
    ours.push((await runLoad({ port: server.port, path: '/', connections: 10, durationSec: 3 })).primary.requestsPerSec);
    const cli = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [autocannonCli, '-c', '10', '-d', '3', '-j', `http://127.0.0.1:${server.port}/`], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.on('close', () => {
        try {
          const result = JSON.parse(out);
          resolve(result.requests.total / result.duration);
        } catch (error) {
          reject(error);
        }
      });
    });
    theirs.push(cli);
  }
  const a = median(ours);
  const b = median(theirs);
  line('lab 1 express req/s, devcap (median of 3)', `${Math.round(a)}`);
  line('lab 1 express req/s, autocannon CLI (median of 3)', `${Math.round(b)}`);
  line('fidelity: devcap / autocannon CLI', `${((a / b - 1) * 100).toFixed(1)}%`, 'within ±15%');
} finally {
  await server.stop();
}
