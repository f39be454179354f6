// The README's generated tables, from the compiled lab definitions (npm run build first).
import { COMPILED_LABS_DIR, loadAllLabs } from '../dist/src/lab/registry.js';

const NEEDS = { redis: 'Redis', database: 'the database (built in)', postgres: 'PostgreSQL' };

function needsOf(lab) {
  const needs = new Set(lab.requires ?? []);
  for (const variant of Object.values(lab.variants)) for (const need of variant.requires ?? []) needs.add(need);
  const order = Object.keys(NEEDS);
  return [...needs].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

const list = (items) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

function replaceBetween(text, name, body) {
  const start = `<!-- devcap:${name}:start -->`;
  const end = `<!-- devcap:${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`);
  return text.slice(0, from + start.length) + '\n' + body + '\n' + text.slice(to);
}

export async function readmeTables(text) {
  const labs = await loadAllLabs(COMPILED_LABS_DIR);
  const rows = labs.map(({ lab }) => {
    const needs = needsOf(lab).map((need) => NEEDS[need] ?? need);
    return `| ${lab.day} | \`${lab.slug}\` | ${(lab.summary ?? lab.claim).replace(/\|/g, '\\|')} | ${needs.length ? needs.join(', ') : '–'} |`;
  });
  let out = replaceBetween(text, 'labs', ['| day | slug | what it measures | needs |', '|---|---|---|---|', ...rows].join('\n'));

  const exercises = labs.filter(({ lab }) => lab.exercise);
  const exerciseRows = exercises.map(({ lab: { day, exercise } }) => {
    const runsAs = exercise.replaces.map((name) => `\`${name}\``).join(', ');
    return `| ${day} | \`${exercise.start}\` | ${runsAs} | ${exercise.claims.map((id) => `\`${id}\``).join(', ')} |`;
  });
  out = replaceBetween(
    out,
    'exercises',
    [
      `Labs ${list(exercises.map(({ lab }) => String(lab.day)))} each have an exercise: their README's \`## Exercise\` section states the task.`,
      '',
      '| exercise | starting file | your file runs as | judged by |',
      '|---|---|---|---|',
      ...exerciseRows,
    ].join('\n'),
  );
  const redis = labs.filter(({ lab }) => needsOf(lab).includes('redis')).map(({ lab }) => String(lab.day));
  out = replaceBetween(out, 'redis-labs', `Labs ${list(redis)} need Redis`);
  return out;
}
