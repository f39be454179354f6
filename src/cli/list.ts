import { availability } from '../infra/requirements.js';
import type { LabManifestEntry } from '../lab/registry.js';

/** `devcap list`: what each lab is, what it runs and what it needs. */
export function listLabs(labs: LabManifestEntry[], json: boolean): string {
  const found = availability();
  const rows = labs.map((lab) => ({
    day: lab.day,
    slug: lab.slug,
    title: lab.title,
    claim: lab.claim,
    variants: lab.variants.map((variant) => variant.name),
    claims: lab.claims,
    requires: lab.requires,
    /** Whether each requirement is available on this machine (Redis: --redis-url / DEVCAP_REDIS_URL, or redis-server on PATH). */
    available: Object.fromEntries(lab.requires.map((name) => [name, found[name].found])),
    params: Object.fromEntries(Object.entries(lab.params).map(([name, param]) => [name, { default: param.default, summary: param.summary }])),
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
