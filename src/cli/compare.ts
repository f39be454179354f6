/**
 * `devcap compare a.json b.json`: two saved results of the same lab (Node 20 against 24,
 * a laptop against a server, before and after a change), variant by variant and metric by
 * metric: the ratio b/a with its 95% interval over the rounds, and whether it is a real
 * difference (the interval leaves out 1), as Node core's benchmark/compare.js does.
 */
import { readFileSync } from 'node:fs';
import { BadResult, UsageError } from '../errors.js';
import { ratioInterval } from '../harness/stats.js';
import { formatMetric, formatRatio, lookup, metricFloor, metricLabel, metrics as standardMetrics } from '../lab/metrics.js';
import { SCHEMA_VERSION, type LabResult } from '../report/result.js';

export interface ComparisonRow {
  variant: string;
  connections: number;
  metric: string;
  label: string;
  /** Medians of the per-round values. */
  before: number;
  after: number;
  /** after / before (ratio of geometric means) with its 95% Welch interval on log values. */
  ratio: number;
  ci95: [number, number];
  /** `better` / `worse` when the interval leaves out 1, in the metric's own sense of better. */
  judgement: 'better' | 'worse' | 'no real difference';
  rounds: [number, number];
}

export interface LabComparison {
  slug: string;
  before: { node: string; cpu: string; startedAt: string };
  after: { node: string; cpu: string; startedAt: string };
  rows: ComparisonRow[];
}

/** The results in a file: one LabResult, or `lab all`'s `{ schemaVersion, labs }`. */
export function readResults(file: string): LabResult[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError('DEVCAP_BAD_FILE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BadResult(`${file} is not JSON: save a result with devcap lab <lab> --json > ${file}`);
  }
  const record = data as { schemaVersion?: unknown; labs?: unknown; lab?: unknown; runs?: unknown };
  if (record?.schemaVersion !== SCHEMA_VERSION) {
    throw new BadResult(`${file} is not a devcap result of schema version ${SCHEMA_VERSION} (devcap lab <lab> --json writes one)`);
  }
  if (Array.isArray(record.labs)) return record.labs as LabResult[];
  if (record.lab && Array.isArray(record.runs)) return [data as LabResult];
  throw new BadResult(`${file} has neither a lab result nor a list of them`);
}

const perRound = (result: LabResult, variant: string, connections: number, metric: string) =>
  result.runs
    .filter((run) => run.variant === variant && run.connections === connections && !run.invalid)
    .map((run) => run.metrics[metric])
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function compareLab(before: LabResult, after: LabResult): LabComparison {
  const rows: ComparisonRow[] = [];
  const table = { ...standardMetrics, ...before.metrics, ...after.metrics };
  for (const summary of before.summary) {
    const other = after.summary.find((entry) => entry.variant === summary.variant && entry.connections === summary.connections);
    if (!other) continue;
    for (const metric of Object.keys(summary.metrics)) {
      if (!other.metrics[metric]) continue;
      const a = perRound(before, summary.variant, summary.connections, metric);
      const b = perRound(after, summary.variant, summary.connections, metric);
      if (a.length < 2 || b.length < 2) continue;
      const info = lookup(table, metric);
      const interval = ratioInterval(b, a, metricFloor(info));
      const higher = interval.low > 1;
      const lower = interval.high < 1;
      const judgement = !higher && !lower ? 'no real difference' : higher === (info.better === 'higher') ? 'better' : 'worse';
      rows.push({
        variant: summary.variant,
        connections: summary.connections,
        metric,
        label: metricLabel(info, before.config.side?.path),
        before: median(a),
        after: median(b),
        ratio: interval.estimate,
        ci95: [interval.low, interval.high],
        judgement,
        rounds: [a.length, b.length],
      });
    }
  }
  const describe = (result: LabResult) => ({ node: result.environment.node, cpu: `${result.environment.cpuCount} × ${result.environment.cpuModel}`, startedAt: result.startedAt });
  return { slug: before.lab.slug, before: describe(before), after: describe(after), rows };
}

/** Labs found in both files, matched by slug. */
export function compareFiles(beforeFile: string, afterFile: string): LabComparison[] {
  const before = readResults(beforeFile);
  const after = readResults(afterFile);
  const pairs = before.flatMap((result) => {
    const other = after.find((entry) => entry.lab.slug === result.lab.slug);
    return other ? [[result, other] as const] : [];
  });
  if (!pairs.length) {
    throw new UsageError(
      'DEVCAP_NOTHING_TO_COMPARE',
      `no lab is in both files (${before.map((result) => result.lab.slug).join(', ')} against ${after.map((result) => result.lab.slug).join(', ')})`,
    );
  }
  return pairs.map(([a, b]) => compareLab(a, b));
}

export function renderComparison(comparisons: LabComparison[], tableMetrics: Record<string, { unit: string }> = {}): string {
  const out: string[] = [];
  for (const comparison of comparisons) {
    out.push(`${comparison.slug}: a = Node ${comparison.before.node}, ${comparison.before.cpu} (${comparison.before.startedAt})`);
    out.push(`${' '.repeat(comparison.slug.length)}  b = Node ${comparison.after.node}, ${comparison.after.cpu} (${comparison.after.startedAt})`);
    const width = Math.max(...comparison.rows.map((row) => `${row.variant} ${row.label}`.length), 10);
    for (const row of comparison.rows) {
      const info = lookup({ ...standardMetrics, ...tableMetrics }, row.metric);
      const change = `${formatRatio(row.ratio)} (95% CI ${formatRatio(row.ci95[0])}–${formatRatio(row.ci95[1])}, n = ${row.rounds.join('/')})`;
      out.push(
        `  ${`${row.variant} ${row.label}`.padEnd(width)}  ${formatMetric(info, row.before).padStart(12)} → ${formatMetric(info, row.after).padEnd(12)}  b/a ${change}  ${row.judgement}`,
      );
    }
    out.push(`  ${chanceLine(comparison.rows)}`);
    out.push('');
  }
  out.push('b/a is the ratio of the two runs\' geometric means over rounds; a difference is real when its 95% interval leaves out 1×.');
  return out.join('\n');
}

/**
 * Each row is its own test at 95%: over many rows, about one in twenty differs by chance
 * alone, even between two runs of the same code (as Node core's compare script warns).
 */
export function chanceLine(rows: Array<{ judgement: LabComparison['rows'][number]['judgement'] }>): string {
  const differing = rows.filter((row) => row.judgement !== 'no real difference').length;
  const byChance = rows.length * 0.05;
  return (
    `${differing} of ${rows.length} differ; at 95% each, about ${byChance < 1 ? byChance.toFixed(1) : Math.round(byChance)} would by chance alone` +
    (differing <= byChance ? ': no more than chance, so treat them as noise' : '')
  );
}
