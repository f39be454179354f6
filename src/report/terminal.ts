import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { formatMetric } from '../lab/metrics.js';
import { answersLine, calibrationLine, infoOf, leftOut, loadLine, machineLine, metricHeader, TABLE_MARKS } from './describe.js';
import type { LabResult, VariantSummary, Verdict } from './result.js';

const BAR_WIDTH = 32;

const VERDICT_MARK: Record<Verdict | 'skipped', string> = { confirmed: '✔', contradicted: '✘', inconclusive: '?', invalid: '!', skipped: '–' };

/** Human report: table, bar chart of the headline metric, verdicts in words, model, takeaway. */
export function renderTerminal(result: LabResult, options: { color: boolean }): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const out: string[] = [];
  const { lab, config, environment } = result;

  out.push(c.bold(`Day ${lab.day} · ${lab.slug} — ${lab.title}`));
  out.push(c.dim(`Lesson: ${lab.claim}`));
  out.push(c.dim(loadLine(result)));
  const left = leftOut(result.config);
  if (left) out.push(c.dim(left));
  const answers = answersLine(result);
  if (answers) out.push(c.dim(answers));
  out.push(c.dim(machineLine(result)));
  if (environment.redis) out.push(c.dim(`Redis: ${environment.redis}`));
  out.push('');

  out.push(table(result, c));
  out.push('');
  out.push(barChart(result, c));

  if (config.connections.length > 1) {
    out.push('');
    out.push(c.bold('Where throughput stops rising'));
    for (const line of sweepLines(result)) out.push(`  ${line}`);
  }

  if (result.claims.length) {
    out.push('');
    out.push(c.bold(`Claims (at ${config.claimsAtConnections} connections)`));
    for (const claim of result.claims) {
      const paint =
        claim.verdict === 'confirmed' ? c.green : claim.verdict === 'contradicted' || claim.verdict === 'invalid' ? c.red : claim.verdict === 'skipped' ? c.dim : c.yellow;
      out.push(`  ${paint(`${VERDICT_MARK[claim.verdict]} ${claim.verdict}`)}  ${claim.statement}`);
      if (claim.steps) {
        for (const step of claim.steps) {
          const seen = Object.entries(step.statusCounts).map(([status, count]) => `${count} × ${status}`).join(', ');
          out.push(`      ${step.passed ? c.green('✔') : c.red('✘')} ${step.name}: ${c.dim(`${step.request} → ${seen || 'no answer'}`)}`);
          if (step.failure) out.push(c.red(`        ${step.failure}`));
        }
      } else {
        out.push(c.dim(`      ${claim.sentence}`));
      }
    }
  }

  if (result.skipped.length) {
    out.push('');
    out.push(c.bold(c.yellow(`Skipped: ${result.skipped.map((entry) => entry.variant).join(', ')}`)));
    for (const reason of new Set(result.skipped.map((entry) => entry.reason))) out.push(c.yellow(`  ${reason}`));
  }

  if (result.measures.length) {
    out.push('');
    out.push(c.bold('Measured, no verdict'));
    for (const measure of result.measures) {
      out.push(`  • ${measure.statement}`);
      out.push(c.dim(`      ${measure.sentence}`));
    }
  }

  if (result.model) {
    out.push('');
    out.push(c.bold('Model'));
    out.push(`  ${result.model.statement}`);
    const calibration = calibrationLine(result.model);
    if (calibration) out.push(c.dim(`  ${calibration}`));
    for (const prediction of result.model.predictions) {
      const ratio = Number.isFinite(prediction.measuredOverPredicted) ? ` (measured/predicted ${prediction.measuredOverPredicted.toFixed(2)})` : '';
      out.push(
        `  ${prediction.variant.padEnd(longestVariant(result))}  predicted ${formatMetric(infoOf(result, prediction.metric), prediction.predicted)}` +
          c.dim(` (${prediction.reasoning})`) +
          `, measured ${formatMetric(infoOf(result, prediction.metric), prediction.measured)}${ratio}`,
      );
    }
  }

  if (result.warnings.length) {
    out.push('');
    for (const warning of result.warnings) out.push(c.yellow(`  ! ${warning}`));
  }

  out.push('');
  out.push(`${c.bold('Takeaway:')} ${lab.takeaway}`);
  out.push(c.dim(`(${(result.wallTimeMs / 1000).toFixed(1)} s; medians over rounds, ranges are min–max)`));
  return out.join('\n');
}

function longestVariant(result: LabResult): number {
  return Math.max(...result.variants.map((variant) => variant.name.length));
}

function table(result: LabResult, c: ChalkInstance): string {
  const columns = result.lab.columns;
  const many = result.config.connections.length > 1;
  const head = ['variant', ...(many ? ['conns'] : []), ...columns.map((name) => metricHeader(result, name))];
  const rows = new Table({
    head: head.map((text) => c.bold(text)),
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const summary of result.summary) {
    rows.push([
      summary.variant + (summary.generatorBound ? c.yellow(' *') : '') + (summary.invalidRounds ? c.red(' !') : ''),
      ...(many ? [String(summary.connections)] : []),
      ...columns.map((name) => cell(result, summary, name)),
    ]);
  }
  let note = result.summary.some((summary) => summary.generatorBound) ? `\n${c.yellow('*')} ${TABLE_MARKS.generatorBound}` : '';
  if (result.summary.some((summary) => summary.invalidRounds)) note += `\n${c.red('!')} ${TABLE_MARKS.invalid}`;
  return rows.toString() + note;
}

function cell(result: LabResult, summary: VariantSummary, name: string): string {
  const spread = summary.metrics[name];
  if (!spread) return '–';
  return formatMetric(infoOf(result, name), spread.median);
}

function barChart(result: LabResult, c: ChalkInstance): string {
  const name = result.lab.headline;
  const info = infoOf(result, name);
  const at = result.config.claimsAtConnections;
  const rows = result.summary.filter((summary) => summary.connections === at && summary.metrics[name]);
  const max = Math.max(...rows.map((summary) => summary.metrics[name]!.median), Number.MIN_VALUE);
  const width = longestVariant(result);
  const better = info.better === 'higher' ? 'higher is better' : 'lower is better';
  const lines = [c.bold(`${metricHeader(result, name)} at ${at} connections (${better})`)];
  for (const summary of rows) {
    const spread = summary.metrics[name]!;
    const length = Math.max(1, Math.round((spread.median / max) * BAR_WIDTH));
    lines.push(
      `  ${summary.variant.padEnd(width)}  ${c.cyan('█'.repeat(length))}${' '.repeat(BAR_WIDTH - length)}  ` +
        `${formatMetric(info, spread.median)} ${c.dim(`(${formatMetric(info, spread.min)}–${formatMetric(info, spread.max)})`)}`,
    );
  }
  return lines.join('\n');
}

/** For each variant: how throughput grew between connection counts, and where it flattened. */
export function sweepLines(result: LabResult): string[] {
  const lines: string[] = [];
  for (const variant of result.variants) {
    const points = result.summary
      .filter((summary) => summary.variant === variant.name && summary.metrics.requestsPerSec)
      .sort((a, b) => a.connections - b.connections);
    if (points.length < 2) continue;
    const steps: string[] = [];
    let flatFrom: number | undefined;
    for (let i = 1; i < points.length; i++) {
      const before = points[i - 1]!;
      const after = points[i]!;
      const gain = after.metrics.requestsPerSec!.median / before.metrics.requestsPerSec!.median - 1;
      steps.push(`${before.connections}→${after.connections}: ${gain >= 0 ? '+' : ''}${Math.round(gain * 100)}%`);
      if (flatFrom === undefined && gain < 0.1) flatFrom = before.connections;
    }
    const bound = points.filter((point) => point.generatorBound).map((point) => point.connections);
    let verdict =
      flatFrom === undefined
        ? 'still rising at the highest count'
        : `flat beyond ${flatFrom} connection${flatFrom === 1 ? '' : 's'} (less than +10%)`;
    if (bound.length) verdict += `; the load generator was the limit at ${bound.join(', ')} connections`;
    lines.push(`${variant.name}: ${steps.join(', ')}; ${verdict}`);
  }
  return lines;
}
