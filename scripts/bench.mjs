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

// 2. each lab, quick and default: wall time, rounds (and why they stopped), seconds of load,
// and the wall time per second of load (what a run spends around its loads)
const labs = (await loadAllLabs()).filter(({ lab }) => !labsArg || labsArg.includes(String(lab.day)));
const totals = { quick: { wall: 0, load: 0 }, default: { wall: 0, load: 0 } };
console.log('');
console.log(`${'lab / mode'.padEnd(18)} ${'wall'.padStart(8)} ${'load'.padStart(8)} ${'wall/load'.padStart(9)}  rounds (stopped)        verdicts`);
for (const { lab } of labs) {
  const modes = withDefault ? [['--quick'], []] : [['--quick']];
  for (const mode of modes) {
    const name = mode.length ? 'quick' : 'default';
    const run = timeCommand(['lab', String(lab.day), ...mode, '--json']);
    let verdicts = 'no JSON';
    let rounds = '';
    let loadSec = 0;
    try {
      const result = JSON.parse(run.stdout);
      const counts = {};
      for (const claim of result.claims) counts[claim.verdict] = (counts[claim.verdict] ?? 0) + 1;
      verdicts = Object.entries(counts).map(([verdict, count]) => `${count} ${verdict}`).join(', ');
      loadSec = result.runs.length * result.config.durationSec;
      rounds = result.rounds ? `${result.rounds.ran}/${result.rounds.cap} (${result.rounds.stopped})` : `${result.config.rounds}`;
    } catch {}
    totals[name].wall += run.ms / 1000;
    totals[name].load += loadSec;
    const ratio = loadSec ? (run.ms / 1000 / loadSec).toFixed(2) : '–';
    console.log(
      `${`lab ${lab.day} ${name}`.padEnd(18)} ${`${(run.ms / 1000).toFixed(1)} s`.padStart(8)} ${`${loadSec} s`.padStart(8)} ${ratio.padStart(9)}  ${rounds.padEnd(22)}  exit ${run.status}; ${verdicts}`,
    );
  }
}
for (const [name, { wall, load }] of Object.entries(totals)) {
  if (!wall) continue;
  console.log(`${`all ${name}`.padEnd(18)} ${`${wall.toFixed(1)} s`.padStart(8)} ${`${load} s`.padStart(8)} ${(load ? wall / load : 0).toFixed(2).padStart(9)}  (labs run one by one)`);
}
console.log('');

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
  // What checking every answer costs: the same load with lab 1's checked request, and bare,
  // alternating on the same server (issue: within 5% on lab 1).
  const checked = [];
  const unchecked = [];
  const request = { path: '/', method: 'GET', expect: { json: { hello: 'world' } } };
  for (let i = 0; i < 3; i++) {
    checked.push((await runLoad({ port: server.port, path: '/', connections: 10, durationSec: 3, requests: [request], checkEvery: 1 })).primary.requestsPerSec);
    unchecked.push((await runLoad({ port: server.port, path: '/', connections: 10, durationSec: 3 })).primary.requestsPerSec);
  }
  line('lab 1 express req/s, every answer checked', `${Math.round(median(checked))}`);
  line('lab 1 express req/s, answers not checked', `${Math.round(median(unchecked))}`);
  line('what checking answers costs in req/s', `${((1 - median(checked) / median(unchecked)) * 100).toFixed(1)}%`, 'within 5%');
  const a = median(ours);
  const b = median(theirs);
  line('lab 1 express req/s, devcap (median of 3)', `${Math.round(a)}`);
  line('lab 1 express req/s, autocannon CLI (median of 3)', `${Math.round(b)}`);
  line('fidelity: devcap / autocannon CLI', `${((a / b - 1) * 100).toFixed(1)}%`, 'within ±15%');
} finally {
  await server.stop();
}
