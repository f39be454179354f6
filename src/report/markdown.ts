import { formatMetric } from '../lab/metrics.js';
import { answersLine, infoOf, leftOut, metricHeader, roundsText, TABLE_MARKS } from './describe.js';
import type { LabResult } from './result.js';

/** `--markdown`: the same result as a Markdown section, for course notes and CI summaries. */
export function renderMarkdown(result: LabResult): string {
  const { lab, config, environment } = result;
  const info = (name: string) => infoOf(result, name);
  const left = leftOut(config);
  const many = config.connections.length > 1;
  const out: string[] = [];
  out.push(`## Day ${lab.day} · ${lab.slug}: ${lab.title}`, '');
  out.push(`> ${lab.claim}`, '');
  out.push(
    `Node ${environment.node}, ${environment.cpuCount} × ${environment.cpuModel}; GET ${config.path}` +
      `${config.side ? ` with GET ${config.side.path} beside it` : ''}; ${config.durationSec} s × ${roundsText(result)} per variant (${config.mode} run).` +
      (environment.redis ? ` Redis: ${environment.redis}.` : '') +
      (left ? ` ${left}` : ''),
    '',
  );
  const answers = answersLine(result);
  if (answers) out.push(answers, '');
  const columns = lab.columns;
  out.push(`| variant |${many ? ' connections |' : ''} ${columns.map((name) => metricHeader(result, name)).join(' | ')} |`);
  out.push(`|---|${many ? '---|' : ''}${columns.map(() => '---|').join('')}`);
  for (const row of result.summary) {
    const cells = columns.map((name) => (row.metrics[name] ? formatMetric(info(name), row.metrics[name].median) : '–'));
    out.push(`| \`${row.variant}\`${row.generatorBound ? ' *' : ''} |${many ? ` ${row.connections} |` : ''} ${cells.join(' | ')} |`);
  }
  if (result.summary.some((row) => row.generatorBound)) out.push('', `\\* ${TABLE_MARKS.generatorBound}`);
  if (result.claims.length) {
    out.push('', '| verdict | claim | evidence |', '|---|---|---|');
    for (const claim of result.claims) out.push(`| **${claim.verdict}** | ${claim.statement} | ${claim.sentence.replace(/\|/g, '\\|')} |`);
  }
  if (result.skipped.length) {
    out.push('', `**Skipped:** ${result.skipped.map((entry) => `\`${entry.variant}\``).join(', ')}.`);
    for (const reason of new Set(result.skipped.map((entry) => entry.reason))) out.push('', `> ${reason}`);
  }
  if (result.measures.length) {
    out.push('');
    for (const measure of result.measures) out.push(`- ${measure.statement} ${measure.sentence}.`);
  }
  if (result.model) {
    out.push('', `**Model.** ${result.model.statement}`, '');
    for (const prediction of result.model.predictions) {
      const format = (value: number) => formatMetric(info(prediction.metric), value);
      const ratio = Number.isFinite(prediction.measuredOverPredicted) ? `, measured/predicted ${prediction.measuredOverPredicted.toFixed(2)}` : '';
      out.push(`- \`${prediction.variant}\`: predicted ${format(prediction.predicted)} (${prediction.reasoning}), measured ${format(prediction.measured)}${ratio}`);
    }
  }
  for (const warning of result.warnings) out.push('', `> ⚠ ${warning}`);
  out.push('', `**Takeaway.** ${lab.takeaway}`);
  return out.join('\n');
}
