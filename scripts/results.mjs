#!/usr/bin/env node
// npm run results: measures every claim the way the lessons quote it, and writes the numbers
// into each lab README's "Measured" block (between the devcap:measured markers) and the
// JSON example in the main README. No number in a lesson is typed by hand.
//
//   node scripts/results.mjs [--runs 10] [--labs 2,3] [--no-controls] [--no-write]
//
// Per claim: the verdicts of --runs quick runs in a row, the effect (median, min–max of the
// estimates), the lowest bound of its 95% interval, what its negative control measured (one
// quick run with the control in place), and the threshold.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { loadAllLabs, SOURCE_LABS_DIR } from '../dist/src/lab/registry.js';

const bin = fileURLToPath(new URL('../bin/devcap.js', import.meta.url));
const rootReadme = fileURLToPath(new URL('../README.md', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const runs = Number(option('--runs', '10'));
const only = option('--labs', null)?.split(',');
const withControls = !args.includes('--no-controls');
const write = !args.includes('--no-write');
const START = '<!-- devcap:measured:start -->';
const END = '<!-- devcap:measured:end -->';

function devcap(argv) {
  const child = spawnSync(process.execPath, [bin, ...argv, '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  try {
    return { code: child.status, result: JSON.parse(child.stdout) };
  } catch {
    return { code: child.status, result: null, error: child.stderr.trim() };
  }
}

const ratio = (value) => (value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value >= 10 ? `${Math.round(value)}×` : `${value.toFixed(2)}×`);
const plain = (value) => (value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(3))));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function describeThreshold(claim) {
  if (claim.kind === 'scenario') return 'every step';
  if (claim.kind === 'model') return `${ratio(claim.band[0])}–${ratio(claim.band[1])} of the model`;
  if (claim.kind === 'count') return `${claim.direction === 'equals' ? '=' : claim.direction === 'atMost' ? '≤' : '≥'} ${plain(claim.threshold)} every round`;
  const format = claim.kind === 'ratio' ? ratio : plain;
  return `${claim.direction === 'atMost' ? '≤' : '≥'} ${format(claim.threshold)}`;
}

function describeEffect(kind, results) {
  if (kind === 'scenario') return `${results.filter((claim) => claim.verdict === 'confirmed').length} of ${results.length} runs passed every step`;
  const estimates = results.map((claim) => claim.estimate).filter((value) => value !== null && Number.isFinite(value));
  if (!estimates.length) return 'n/a';
  const format = kind === 'ratio' || kind === 'model' ? ratio : plain;
  return `${format(median(estimates))} (${format(Math.min(...estimates))}–${format(Math.max(...estimates))})`;
}

function lowestBound(kind, results) {
  if (kind === 'scenario' || kind === 'count') return '–';
  const bounds = results.map((claim) => (claim.direction === 'atMost' ? claim.ci95?.[1] : claim.ci95?.[0])).filter((value) => value !== undefined && Number.isFinite(value));
  if (!bounds.length) return 'n/a';
  if (kind === 'model') return `${ratio(Math.min(...results.map((claim) => claim.ci95?.[0] ?? Infinity)))}–${ratio(Math.max(...results.map((claim) => claim.ci95?.[1] ?? 0)))}`;
  const format = kind === 'ratio' ? ratio : plain;
  return results[0].direction === 'atMost' ? format(Math.max(...bounds)) : format(Math.min(...bounds));
}

function controlText(claim, controlResults) {
  const seen = controlResults.get(claim.id);
  if (!seen) return 'none';
  if (claim.kind === 'scenario') return `${seen.verdict} (${seen.steps?.filter((step) => !step.passed).length ?? 0} step(s) failed)`;
  const format = claim.kind === 'ratio' || claim.kind === 'model' ? ratio : plain;
  return `${format(seen.estimate)}: ${seen.verdict}`;
}

const labs = (await loadAllLabs()).filter(({ lab }) => !only || only.includes(String(lab.day)));
let example = null;
for (const { lab, folder, compiledDir } of labs) {
  const collected = [];
  const walls = [];
  const loads = [];
  const failures = [];
  for (let i = 0; i < runs; i++) {
    loads.push(loadavg()[0]);
    const { result, error } = devcap(['lab', String(lab.day), '--quick']);
    if (!result) {
      // A run that produced no result is reported, not hidden: the table counts it.
      failures.push(error);
      process.stderr.write(`lab ${lab.day} run ${i + 1}/${runs}: no result: ${error}\n`);
      continue;
    }
    collected.push(result);
    walls.push(result.wallTimeMs);
    if (lab.day === 2 && !example) example = result;
    process.stderr.write(`lab ${lab.day} run ${i + 1}/${runs}: ${result.claims.map((claim) => `${claim.id} ${claim.verdict}`).join(', ')}\n`);
  }
  const controlResults = new Map();
  if (withControls) {
    for (const [name, control] of Object.entries(lab.controls ?? {})) {
      const { result, error } = devcap(['lab', String(lab.day), '--quick', '--variant', `${control.replaces}=${join(compiledDir, control.file)}`, '--claims', control.rejects.join(',')]);
      if (!result) throw new Error(`lab ${lab.day}, control ${name}: ${error}`);
      for (const claim of result.claims) controlResults.set(claim.id, claim);
      process.stderr.write(`lab ${lab.day} control ${name}: ${result.claims.map((claim) => `${claim.id} ${claim.verdict}`).join(', ')}\n`);
    }
  }
  if (!collected.length) throw new Error(`lab ${lab.day}: no run produced a result: ${failures[0]}`);
  const first = collected[0];
  const rows = lab.claims.map((definition) => {
    const results = collected.map((result) => result.claims.find((claim) => claim.id === definition.id));
    const tally = {};
    for (const claim of results) tally[claim.verdict] = (tally[claim.verdict] ?? 0) + 1;
    const verdicts = Object.entries(tally).map(([verdict, count]) => `${count} ${verdict}`).join(', ');
    return `| \`${definition.id}\` | ${verdicts} | ${describeEffect(definition.kind, results)} | ${lowestBound(definition.kind, results)} | ${controlText(results[0], controlResults)} | ${describeThreshold(results[0])} |`;
  });
  const env = first.environment;
  const block = [
    START,
    `Measured by \`npm run results\` on ${first.startedAt.slice(0, 10)}: Node ${env.node}, ${env.cpuCount} × ${env.cpuModel}, ` +
      `${runs} \`--quick\` runs in a row (${(median(walls) / 1000).toFixed(1)} s each, median; load average ` +
      `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} when they started), and each negative control once.` +
      (failures.length ? ` ${failures.length} run(s) produced no result: ${failures[0]}` : ''),
    '',
    '| claim | verdicts | effect: median (min–max) | weakest 95% bound | its control | threshold |',
    '|---|---|---|---|---|---|',
    ...rows,
    END,
  ].join('\n');
  process.stdout.write(`\n## lab ${lab.day} (${lab.slug})\n${block}\n`);
  if (!write) continue;
  const path = join(SOURCE_LABS_DIR, folder, 'README.md');
  const text = readFileSync(path, 'utf8');
  const next = text.includes(START)
    ? text.slice(0, text.indexOf(START)) + block + text.slice(text.indexOf(END) + END.length)
    : text.replace('## Try this', `## Measured\n\n${block}\n\n## Try this`);
  writeFileSync(path, next);
}

// The main README's JSON example: a real lab 2 result, cut to one entry of each list.
if (write && example) {
  const cut = {
    ...example,
    runs: example.runs.slice(0, 1),
    summary: example.summary.slice(0, 1),
    claims: example.claims.slice(0, 1),
    measures: example.measures.slice(0, 1),
    // the metric table, only for the report's own columns
    metrics: Object.fromEntries(Object.entries(example.metrics).filter(([name]) => example.lab.columns.includes(name))),
    model: example.model && { ...example.model, predictions: example.model.predictions.slice(0, 1) },
  };
  const json = JSON.stringify(cut, null, 2);
  const START_JSON = '<!-- devcap:json-example:start -->';
  const END_JSON = '<!-- devcap:json-example:end -->';
  const text = readFileSync(rootReadme, 'utf8');
  if (text.includes(START_JSON)) {
    const block = `${START_JSON}\n\`\`\`json\n${json}\n\`\`\`\n(one entry of each list and the metric table's report columns shown; \`devcap lab 2 --quick --json\`, ${example.startedAt.slice(0, 10)})\n${END_JSON}`;
    writeFileSync(rootReadme, text.slice(0, text.indexOf(START_JSON)) + block + text.slice(text.indexOf(END_JSON) + END_JSON.length));
  }
}
