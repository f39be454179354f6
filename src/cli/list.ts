import { availability, requirementsOf } from '../infra/requirements.js';
import type { LoadedLab } from '../lab/registry.js';

/** `devcap list`: what each lab is, what it runs and what it needs. */
export function listLabs(labs: LoadedLab[], json: boolean): string {
  const found = availability();
  const rows = labs.map(({ lab }) => ({
    day: lab.day,
    slug: lab.slug,
    title: lab.title,
    claim: lab.claim,
    variants: Object.keys(lab.variants),
    claims: lab.claims.map((claim) => ({ id: claim.id, kind: claim.kind, statement: claim.statement })),
    requires: requirementsOf(lab),
    /** Whether each requirement is available on this machine (Redis: --redis-url / DEVCAP_REDIS_URL, or redis-server on PATH). */
    available: Object.fromEntries(requirementsOf(lab).map((name) => [name, found[name].found])),
    params: Object.fromEntries(Object.entries(lab.params ?? {}).map(([name, param]) => [name, { default: param.default, summary: param.summary }])),
  }));
  if (json) return JSON.stringify(rows, null, 2);
  const slugWidth = Math.max(...rows.map((row) => row.slug.length));
  return rows
    .map((row) => {
      const needs = row.requires.length ? row.requires.map((name) => `${name} (${found[name].detail})`).join(', ') : 'nothing beyond Node';
      const params = Object.entries(row.params)
        .map(([name, param]) => `--set ${name}=${param.default}`)
        .join(' ');
      return (
        `${String(row.day).padStart(2)}  ${row.slug.padEnd(slugWidth)}  ${row.title}\n` +
        `    variants: ${row.variants.join(', ')}\n` +
        `    claims: ${row.claims.map((claim) => claim.id).join(', ')}\n` +
        `    needs: ${needs}${params ? `\n    parameters: ${params}` : ''}`
      );
    })
    .join('\n');
}
