import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { formatCount, formatMetric, formatRatio } from '../lab/metrics.js';
import { answersLine, calibrationLine, formatLevel, infoOf, leftOut, loadLine, machineLine, metricHeader, TABLE_MARKS } from './describe.js';
import { isResult, type ClaimResult, type LabFailure, type LabResult, type RunTimeline } from './result.js';

/**
 * `--html <file>`: one self-contained page (no network: the charting library and the data
 * are inlined, and a Content-Security-Policy forbids any fetch) with what the terminal
 * report shows, plus charts drawn by Chart.js from the numbers embedded as JSON: every round
 * as a dot per variant, each judged claim's interval against its threshold, and the model's
 * prediction beside the measurement.
 */
export function renderHtml(entries: Array<LabResult | LabFailure>, options: { chartJs?: string } = {}): string {
  const chartJs = options.chartJs ?? chartJsSource();
  const results = entries.filter(isResult);
  const data: PageData = { labs: results.map(chartData) };
  const title =
    entries.length === 1 ? `devcap · day ${entries[0]!.lab.day} · ${entries[0]!.lab.slug}` : `devcap · ${entries.length} labs`;
  const sections = entries.map((entry) => {
    if (!isResult(entry)) return failureSection(entry);
    const index = results.indexOf(entry);
    return labSection(entry, index, data.labs[index]!);
  });
  const tool = results[0]?.tool;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing on this page may reach the network: inline scripts and styles, nothing else.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header class="page"><h1>${esc(title)}</h1><p class="dim">${tool ? `${esc(tool.name)} ${esc(tool.version)}; ` : ''}every number below comes from a real run on the machine named in each lab.</p></header>`,
    ...sections,
    `<script type="application/json" id="devcap-data">${jsonForScript(data)}</script>`,
    `<script>${scriptText(chartJs)}</script>`,
    `<script>${scriptText(PAGE_SCRIPT)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Chart.js's minified UMD build, from the installed package (its exports do not name dist files, so resolve beside the main entry). */
export function chartJsSource(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  const source = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
  // The source map is not inlined; a dangling reference would only make DevTools ask for it.
  return source.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
}

/** What the page's script draws, by lab (in the order of the result sections). */
export interface PageData {
  labs: LabChartData[];
}

export interface RoundPoint {
  /** The variant's column (its index in `groups`), spread a little by round so dots do not overlap. */
  x: number;
  /** The run's value of the headline metric, as measured. */
  y: number;
  round: number;
  connections: number;
  invalid: boolean;
  text: string;
}

export interface LabChartData {
  day: number;
  rounds: {
    metric: string;
    label: string;
    better: 'higher' | 'lower';
    log: boolean;
    groups: string[];
    datasets: Array<{ variant: string; points: RoundPoint[] }>;
  } | null;
  /** Judged claims that have a range to draw, in the order of `claims` (index = `claim` in the canvas). */
  intervals: Array<{
    id: string;
    kind: ClaimResult['kind'];
    verdict: ClaimResult['verdict'];
    /** `ci95`: the claim's interval (of coverage `text.level`); `rounds`: an exact count's lowest and highest round. */
    range: 'ci95' | 'rounds';
    estimate: number | null;
    low: number;
    high: number;
    threshold: number | null;
    band: [number, number] | null;
    direction: ClaimResult['direction'];
    log: boolean;
    unit: string;
    text: { estimate: string; low: string; high: string; marks: string[]; level: string };
  }>;
  /**
   * The last round's load second by second, one chart per series (req/s, event-loop delay,
   * loop utilisation, RSS), a line per variant: what the lesson is about over time. Empty
   * for results saved before runs had a timeline.
   */
  timeline: { round: number; series: Array<{ key: keyof RunTimeline; label: string; unit: string; lines: Array<{ variant: string; values: number[] }> }> };
  model: Array<{
    metric: string;
    label: string;
    variants: string[];
    predicted: number[];
    measured: number[];
    text: { predicted: string[]; measured: string[] };
  }>;
}

/** The headline metric the dots show: the lab's, or its first column when no run has it. */
function headlineOf(result: LabResult): string | undefined {
  const has = (name: string | undefined) => name !== undefined && result.runs.some((run) => Number.isFinite(run.metrics[name]));
  return [result.lab.headline, ...result.lab.columns].find(has);
}

export function chartData(result: LabResult): LabChartData {
  return { day: result.lab.day, rounds: roundsData(result), timeline: timelineData(result), intervals: intervalsData(result), model: modelData(result) };
}

const TIMELINE_SERIES: Array<{ key: keyof RunTimeline; label: string; unit: string; scale: number }> = [
  { key: 'requestsPerSec', label: 'answers per second', unit: 'req/s', scale: 1 },
  { key: 'eventLoopDelayMaxMs', label: 'event-loop delay, the most in each second', unit: 'ms', scale: 1 },
  { key: 'eventLoopUtilization', label: 'event-loop utilisation', unit: 'share of the second', scale: 1 },
  { key: 'rssPeakBytes', label: 'RSS, peak in each second', unit: 'MiB', scale: 1 / (1024 * 1024) },
];

function timelineData(result: LabResult): LabChartData['timeline'] {
  const at = result.runs.filter((run) => run.connections === result.config.claimsAtConnections && run.timeline);
  const round = Math.max(-1, ...at.map((run) => run.round));
  const last = at.filter((run) => run.round === round);
  const series = TIMELINE_SERIES.map(({ key, label, unit, scale }) => ({
    key,
    label,
    unit,
    lines: last.map((run) => ({ variant: run.variant, values: run.timeline![key].map((value) => value * scale) })).filter((line) => line.values.length > 0),
  })).filter((entry) => entry.lines.length > 0);
  return { round, series };
}

function roundsData(result: LabResult): LabChartData['rounds'] {
  const metric = headlineOf(result);
  if (!metric) return null;
  const info = infoOf(result, metric);
  const many = result.config.connections.length > 1;
  const groupOf = (variant: string, connections: number) => (many ? `${variant} @ ${connections}` : variant);
  const measured = result.runs.filter((run) => Number.isFinite(run.metrics[metric]));
  const groups = [...new Set([...result.summary.map((row) => groupOf(row.variant, row.connections)), ...measured.map((run) => groupOf(run.variant, run.connections))])];
  const lastRound = Math.max(0, ...measured.map((run) => run.round));
  const step = Math.min(0.12, 0.6 / (lastRound + 1));
  const variants = [...new Set(measured.map((run) => run.variant))];
  const values = measured.map((run) => run.metrics[metric]!);
  return {
    metric,
    label: metricHeader(result, metric),
    better: info.better,
    // Variants an order of magnitude apart (a blocked /ping against a free one) need a log axis to show both.
    log: values.length > 0 && Math.min(...values) > 0 && Math.max(...values) / Math.min(...values) > 20,
    groups,
    datasets: variants.map((variant) => ({
      variant,
      points: measured
        .filter((run) => run.variant === variant)
        .map((run) => ({
          x: groups.indexOf(groupOf(run.variant, run.connections)) + (run.round - lastRound / 2) * step,
          y: run.metrics[metric]!,
          round: run.round,
          connections: run.connections,
          invalid: run.invalid !== null,
          text: `${run.variant}, round ${run.round + 1}${many ? `, ${run.connections} connections` : ''}: ${formatMetric(info, run.metrics[metric]!)}${run.invalid ? ' (invalid run)' : ''}`,
        })),
    })),
  };
}

/** How a claim's numbers read: ratios as ×, levels in their metric's unit, counts as counts. */
function claimFormat(result: LabResult, claim: ClaimResult): (value: number) => string {
  if (claim.kind === 'ratio' || claim.kind === 'model') return formatRatio;
  if (claim.metric && claim.kind === 'threshold') return (value) => formatMetric(infoOf(result, claim.metric!), value);
  return formatCount;
}

function claimRange(claim: ClaimResult): { range: 'ci95' | 'rounds'; low: number; high: number } | null {
  if (claim.kind === 'scenario' || claim.verdict === 'skipped') return null;
  if (claim.ci95) return { range: 'ci95', low: claim.ci95[0], high: claim.ci95[1] };
  const values = Object.values(claim.samples).flat().filter(Number.isFinite);
  if (claim.kind === 'count' && values.length) return { range: 'rounds', low: Math.min(...values), high: Math.max(...values) };
  return null;
}

function intervalsData(result: LabResult): LabChartData['intervals'] {
  return result.claims.flatMap((claim) => {
    const range = claimRange(claim);
    if (!range) return [];
    const format = claimFormat(result, claim);
    const marks = claim.band ? [...claim.band] : claim.threshold !== null ? [claim.threshold] : [];
    const all = [range.low, range.high, ...marks, ...(claim.estimate !== null ? [claim.estimate] : [])];
    return [
      {
        id: claim.id,
        kind: claim.kind,
        verdict: claim.verdict,
        ...range,
        estimate: claim.estimate,
        threshold: claim.threshold,
        band: claim.band ?? null,
        direction: claim.direction,
        log: (claim.kind === 'ratio' || claim.kind === 'model') && all.every((value) => value > 0),
        unit: claim.kind === 'ratio' || claim.kind === 'model' ? 'ratio (×)' : claim.metric ? metricHeader(result, claim.metric) : 'count',
        text: { estimate: claim.estimate === null ? '' : format(claim.estimate), low: format(range.low), high: format(range.high), marks: marks.map(format), level: formatLevel(claim.level ?? 0.95) },
      },
    ];
  });
}

function modelData(result: LabResult): LabChartData['model'] {
  if (!result.model) return [];
  const byMetric = new Map<string, NonNullable<LabResult['model']>['predictions']>();
  for (const prediction of result.model.predictions) byMetric.set(prediction.metric, [...(byMetric.get(prediction.metric) ?? []), prediction]);
  return [...byMetric].map(([metric, predictions]) => {
    const info = infoOf(result, metric);
    return {
      metric,
      label: metricHeader(result, metric),
      variants: predictions.map((prediction) => prediction.variant),
      predicted: predictions.map((prediction) => prediction.predicted),
      measured: predictions.map((prediction) => prediction.measured),
      text: { predicted: predictions.map((prediction) => formatMetric(info, prediction.predicted)), measured: predictions.map((prediction) => formatMetric(info, prediction.measured)) },
    };
  });
}

/** Text for an HTML element or a quoted attribute. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/** JSON inside a <script> element: no `<` at all, so no `</script>` or `<!--` can end or confuse it. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Script text inside a <script> element: `</script` would close it early. */
export function scriptText(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

function canvas(lab: number, chart: 'rounds' | 'timeline' | 'interval' | 'model', index: number, label: string, height: number): string {
  return `<div class="chart" style="height:${height}px"><canvas data-lab="${lab}" data-chart="${chart}" data-index="${index}" role="img" aria-label="${esc(label)}"></canvas></div>`;
}

function labSection(result: LabResult, index: number, data: LabChartData): string {
  const { lab, config, environment } = result;
  const out: string[] = [];
  out.push(`<section class="lab" id="lab-${lab.day}" data-day="${lab.day}" data-slug="${esc(lab.slug)}" data-outcome="${esc(result.outcome)}">`);
  out.push(`<h2>Day ${lab.day} · ${esc(lab.slug)} — ${esc(lab.title)}</h2>`);
  out.push(`<p class="lesson">Lesson: ${esc(lab.claim)}</p>`);
  const left = leftOut(result.config);
  const answers = answersLine(result);
  out.push(
    `<p class="dim">${esc(loadLine(result))}</p>`,
    ...(left ? [`<p class="dim">${esc(left)}</p>`] : []),
    ...(answers ? [`<p class="dim">${esc(answers)}</p>`] : []),
    `<p class="dim">${esc(machineLine(result))}</p>`,
  );
  if (environment.redis) out.push(`<p class="dim">Redis: ${esc(environment.redis)}</p>`);
  const substituted = result.variants.filter((variant) => variant.substituted);
  if (substituted.length) out.push(`<p class="dim">Substituted: ${substituted.map((variant) => `<code>${esc(variant.name)}</code> ← ${esc(variant.file)}`).join(', ')}</p>`);

  out.push(summaryTable(result));

  if (data.rounds) {
    const { rounds } = data;
    out.push(`<h3>${esc(rounds.label)}, every round (${rounds.better} is better)</h3>`);
    out.push(canvas(index, 'rounds', 0, `${rounds.label} of every round, by variant`, 280));
  }

  if (data.timeline.series.length) {
    out.push(`<h3>Second by second, round ${data.timeline.round + 1} (at ${config.claimsAtConnections} connections)</h3>`);
    data.timeline.series.forEach((series, chart) => out.push(canvas(index, 'timeline', chart, `${series.label}, second by second, by variant`, 180)));
  }

  if (result.claims.length) {
    out.push(`<h3>Claims (at ${config.claimsAtConnections} connections)</h3>`, '<ul class="claims">');
    for (const claim of result.claims) out.push(claimItem(result, claim, index, data.intervals.findIndex((interval) => interval.id === claim.id)));
    out.push('</ul>');
  }

  if (result.skipped.length) {
    out.push(`<h3>Skipped: ${result.skipped.map((entry) => esc(entry.variant)).join(', ')}</h3>`);
    for (const reason of new Set(result.skipped.map((entry) => entry.reason))) out.push(`<p class="warning">${esc(reason)}</p>`);
  }

  if (result.measures.length) {
    out.push('<h3>Measured, no verdict</h3>', '<ul class="measures">');
    for (const measure of result.measures) out.push(`<li data-measure="${esc(measure.id)}">${esc(measure.statement)}<div class="dim">${esc(measure.sentence)}</div></li>`);
    out.push('</ul>');
  }

  if (result.model) out.push(modelSection(result, index, data));

  if (result.warnings.length) {
    out.push('<ul class="warnings">');
    for (const warning of result.warnings) out.push(`<li class="warning">${esc(warning)}</li>`);
    out.push('</ul>');
  }
  out.push(`<p class="takeaway"><strong>Takeaway:</strong> ${esc(lab.takeaway)}</p>`);
  out.push(`<p class="dim">${(result.wallTimeMs / 1000).toFixed(1)} s, started ${esc(result.startedAt)}; medians over rounds, ranges are min–max</p>`);
  out.push('</section>');
  return out.join('\n');
}

function summaryTable(result: LabResult): string {
  const columns = result.lab.columns;
  const many = result.config.connections.length > 1;
  const head = ['variant', ...(many ? ['conns'] : []), ...columns.map((name) => metricHeader(result, name))];
  const rows = result.summary.map((row) => {
    const marks = (row.generatorBound ? ' <span class="mark" title="the load generator was the bottleneck">*</span>' : '') + (row.invalidRounds ? ' <span class="mark bad" title="invalid rounds">!</span>' : '');
    const cells = columns.map((name) => {
      const spread = row.metrics[name];
      if (!spread) return '<td>–</td>';
      const info = infoOf(result, name);
      return `<td>${esc(formatMetric(info, spread.median))}<div class="range">${esc(formatMetric(info, spread.min))}–${esc(formatMetric(info, spread.max))}</div></td>`;
    });
    return `<tr data-variant="${esc(row.variant)}"><th scope="row"><code>${esc(row.variant)}</code>${marks}</th>${many ? `<td>${row.connections}</td>` : ''}${cells.join('')}</tr>`;
  });
  const notes: string[] = [];
  if (result.summary.some((row) => row.generatorBound)) notes.push(`<p class="dim">* ${esc(TABLE_MARKS.generatorBound)}</p>`);
  if (result.summary.some((row) => row.invalidRounds)) notes.push(`<p class="dim">! ${esc(TABLE_MARKS.invalid)}</p>`);
  return `<table class="summary"><thead><tr>${head.map((text) => `<th scope="col">${esc(text)}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>${notes.join('')}`;
}

function claimItem(result: LabResult, claim: ClaimResult, lab: number, chartIndex: number): string {
  const out = [`<li class="claim ${esc(claim.verdict)}" data-claim="${esc(claim.id)}" data-verdict="${esc(claim.verdict)}">`];
  out.push(`<span class="verdict ${esc(claim.verdict)}">${esc(claim.verdict)}</span> ${esc(claim.statement)} <code class="id">${esc(claim.id)}</code>`);
  if (claim.steps) {
    out.push('<ol class="steps">');
    for (const step of claim.steps) {
      const seen = Object.entries(step.statusCounts).map(([status, count]) => `${count} × ${status}`).join(', ');
      out.push(
        `<li class="${step.passed ? 'passed' : 'failed'}">${step.passed ? '✔' : '✘'} ${esc(step.name)}: <span class="dim">${esc(step.request)} → ${esc(seen || 'no answer')}</span>` +
          (step.failure ? `<div class="bad">${esc(step.failure)}</div>` : '') +
          '</li>',
      );
    }
    out.push('</ol>');
  } else {
    out.push(`<div class="sentence">${esc(claim.sentence)}</div>`);
  }
  const range = claimRange(claim);
  if (range) {
    const format = claimFormat(result, claim);
    const parts = [
      ...(claim.estimate !== null ? [`estimate ${format(claim.estimate)}`] : []),
      `${range.range === 'ci95' ? `${formatLevel(claim.level ?? 0.95)} interval` : 'rounds'} ${format(range.low)} – ${format(range.high)}`,
      claim.band ? `band ${format(claim.band[0])} – ${format(claim.band[1])}` : claim.threshold !== null ? `threshold ${DIRECTION[claim.direction ?? 'atLeast']} ${format(claim.threshold)}` : '',
    ].filter(Boolean);
    out.push(`<div class="interval">${esc(parts.join(' · '))}</div>`);
  }
  if (chartIndex >= 0) out.push(canvas(lab, 'interval', chartIndex, `${claim.id}: interval against its threshold`, 90));
  out.push('</li>');
  return out.join('\n');
}

const DIRECTION: Record<NonNullable<ClaimResult['direction']>, string> = { atLeast: '≥', atMost: '≤', equals: '=', within: 'within' };

function modelSection(result: LabResult, lab: number, data: LabChartData): string {
  const model = result.model!;
  const out = ['<h3>Model</h3>', `<p>${esc(model.statement)}</p>`];
  const calibration = calibrationLine(model);
  if (calibration) out.push(`<p class="dim">${esc(calibration)}</p>`);
  out.push('<table class="model"><thead><tr><th scope="col">variant</th><th scope="col">predicted</th><th scope="col">measured</th><th scope="col">measured/predicted</th><th scope="col">why</th></tr></thead><tbody>');
  for (const prediction of model.predictions) {
    const info = infoOf(result, prediction.metric);
    const ratio = Number.isFinite(prediction.measuredOverPredicted) ? prediction.measuredOverPredicted.toFixed(2) : 'n/a';
    out.push(
      `<tr data-variant="${esc(prediction.variant)}"><th scope="row"><code>${esc(prediction.variant)}</code></th><td>${esc(formatMetric(info, prediction.predicted))}</td>` +
        `<td>${esc(formatMetric(info, prediction.measured))}</td><td>${ratio}</td><td class="dim">${esc(prediction.reasoning)}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  data.model.forEach((chart, index) => out.push(canvas(lab, 'model', index, `${chart.label}: predicted beside measured`, 220)));
  return out.join('\n');
}

function failureSection(failure: LabFailure): string {
  const { lab, error } = failure;
  return [
    `<section class="lab failed" id="lab-${lab.day}" data-day="${lab.day}" data-slug="${esc(lab.slug)}" data-outcome="failed">`,
    `<h2>Day ${lab.day} · ${esc(lab.slug)} — ${esc(lab.title)}</h2>`,
    `<p class="bad"><code>${esc(error.code)}</code>: ${esc(error.message)} (exit code ${error.exitCode})</p>`,
    '</section>',
  ].join('\n');
}

export const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --dim: #59636e; --line: #d1d9e0; --ok: #1a7f37; --bad: #cf222e; --maybe: #9a6700; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.25rem; border-top: 2px solid var(--line); padding-top: 1rem; margin-top: 2rem; } h3 { font-size: 1.05rem; margin-top: 1.5rem; }
.dim, .range { color: var(--dim); } .range { font-size: 0.8em; }
.lesson { font-style: italic; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { border-bottom: 1px solid var(--line); padding: 0.3rem 0.7rem; text-align: right; vertical-align: top; }
th[scope=row], thead th:first-child { text-align: left; } td.dim { text-align: left; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
.claims, .measures, .warnings { list-style: none; padding-left: 0; } .claims > li, .measures > li { margin: 0.8rem 0; }
.verdict { display: inline-block; min-width: 7.5em; font-weight: 600; } .verdict.confirmed { color: var(--ok); } .verdict.contradicted, .verdict.invalid, .bad { color: var(--bad); } .verdict.inconclusive, .warning { color: var(--maybe); } .verdict.skipped { color: var(--dim); }
.id { color: var(--dim); } .sentence, .interval { color: var(--dim); margin-left: 7.5em; } .steps { margin-left: 6em; } .steps .passed { color: var(--ok); } .steps .failed { color: var(--bad); }
.chart { position: relative; width: 100%; max-width: 900px; }
.mark { color: var(--maybe); } .mark.bad { color: var(--bad); }
.takeaway { margin-top: 1.5rem; }
`;

/** Runs in the page: draws every canvas from the embedded data with Chart.js. No backticks here (it is a template literal). */
const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('devcap-data').textContent);
  var palette = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bc4c00', '#1b7c83', '#9a6700', '#bf3989'];
  var verdictColor = { confirmed: '#1a7f37', contradicted: '#cf222e', inconclusive: '#9a6700', invalid: '#cf222e', skipped: '#59636e' };
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';

  // A log axis labels only 1, 2 and 5 of each decade: every tick labelled runs together.
  function logTick(value) {
    var mantissa = value / Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
    var lead = Math.round(mantissa);
    return Math.abs(mantissa - lead) < 1e-6 && (lead === 1 || lead === 2 || lead === 5) ? String(Number(value.toPrecision(3))) : '';
  }
  function logScale(scale) {
    if (scale.type === 'logarithmic') scale.ticks = Object.assign({}, scale.ticks, { callback: logTick });
    return scale;
  }

  function roundsChart(el, rounds) {
    return new Chart(el, {
      type: 'scatter',
      data: {
        datasets: rounds.datasets.map(function (set, i) {
          return {
            label: set.variant,
            data: set.points,
            pointRadius: 5,
            pointStyle: set.points.map(function (p) { return p.invalid ? 'crossRot' : 'circle'; }),
            backgroundColor: palette[i % palette.length],
            borderColor: palette[i % palette.length]
          };
        })
      },
      options: {
        scales: {
          x: {
            type: 'linear', min: -0.5, max: rounds.groups.length - 0.5,
            // One tick per variant column, named; the dots of its rounds sit around it.
            afterBuildTicks: function (axis) { axis.ticks = rounds.groups.map(function (_, i) { return { value: i }; }); },
            ticks: { callback: function (v) { return rounds.groups[v]; } },
            grid: { display: false }
          },
          y: logScale({ type: rounds.log ? 'logarithmic' : 'linear', title: { display: true, text: rounds.label } })
        },
        plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.raw.text; } } } }
      }
    });
  }

  function intervalChart(el, claim) {
    var values = [claim.low, claim.high].concat(claim.estimate === null ? [] : [claim.estimate]);
    var marks = claim.band ? claim.band : (claim.threshold === null ? [] : [claim.threshold]);
    values = values.concat(marks);
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    var min, max;
    if (claim.log) { min = lo / 1.5; max = hi * 1.5; } else {
      var pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.15 || 1;
      min = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
      max = hi + pad;
    }
    var color = verdictColor[claim.verdict] || '#59636e';
    var datasets = [{
      type: 'bar',
      label: claim.range === 'ci95' ? claim.text.level + ' interval ' + claim.text.low + ' – ' + claim.text.high : 'rounds ' + claim.text.low + ' – ' + claim.text.high,
      data: [[claim.low, claim.high]],
      backgroundColor: color + '55', borderColor: color, borderWidth: 1, borderSkipped: false, barPercentage: 0.5, categoryPercentage: 1
    }];
    if (claim.estimate !== null) {
      datasets.push({ type: 'line', label: 'estimate ' + claim.text.estimate, data: [{ x: claim.estimate, y: claim.id }], showLine: false, pointRadius: 6, backgroundColor: '#1f2328', borderColor: '#1f2328' });
    }
    if (marks.length) {
      datasets.push({
        type: 'line', label: (claim.band ? 'band ' : 'threshold ') + claim.text.marks.join(' – '),
        data: marks.map(function (x) { return { x: x, y: claim.id }; }),
        showLine: false, pointStyle: 'line', rotation: 90, pointRadius: 20, borderWidth: 3, borderColor: '#8250df', backgroundColor: '#8250df'
      });
    }
    return new Chart(el, {
      type: 'bar',
      data: { labels: [claim.id], datasets: datasets },
      options: {
        indexAxis: 'y',
        scales: { x: logScale({ type: claim.log ? 'logarithmic' : 'linear', suggestedMin: min, suggestedMax: max, title: { display: true, text: claim.unit } }), y: { display: false } },
        plugins: { legend: { position: 'right' } }
      }
    });
  }

  function modelChart(el, model) {
    return new Chart(el, {
      type: 'bar',
      data: {
        labels: model.variants,
        datasets: [
          { label: 'predicted', data: model.predicted, backgroundColor: '#afb8c1' },
          { label: 'measured', data: model.measured, backgroundColor: '#0969da' }
        ]
      },
      options: {
        scales: { y: { title: { display: true, text: model.label } } },
        plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ': ' + model.text[ctx.dataset.label][ctx.dataIndex]; } } } }
      }
    });
  }

  function timelineChart(el, timeline, palette) {
    var length = Math.max.apply(null, timeline.lines.map(function (line) { return line.values.length; }));
    var labels = [];
    for (var second = 1; second <= length; second++) labels.push(String(second));
    return new Chart(el, {
      type: 'line',
      data: {
        labels: labels,
        datasets: timeline.lines.map(function (line, i) {
          return { label: line.variant, data: line.values, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], pointRadius: 2, tension: 0 };
        })
      },
      options: { scales: { x: { title: { display: true, text: 'second of the load' } }, y: { beginAtZero: true, title: { display: true, text: timeline.label + ' (' + timeline.unit + ')' } } } }
    });
  }

  var canvases = document.querySelectorAll('canvas[data-chart]');
  for (var i = 0; i < canvases.length; i++) {
    var el = canvases[i];
    var lab = data.labs[Number(el.dataset.lab)];
    var index = Number(el.dataset.index);
    if (el.dataset.chart === 'rounds') roundsChart(el, lab.rounds);
    else if (el.dataset.chart === 'interval') intervalChart(el, lab.intervals[index]);
    else if (el.dataset.chart === 'model') modelChart(el, lab.model[index]);
    else if (el.dataset.chart === 'timeline') timelineChart(el, lab.timeline.series[index], palette);
  }
})();
`;
