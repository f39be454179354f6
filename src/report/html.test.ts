import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LabFailure, LabResult } from './result.js';
import { chartJsSource, esc, renderHtml, type PageData } from './html.js';

// Lab 4's saved result: ratio-free model claims, scenarios, measures, a model and a warning.
const fixture = (): LabResult => JSON.parse(readFileSync(new URL('../../test/fixtures/lab-result.json', import.meta.url), 'utf8')) as LabResult;

const chartJs = chartJsSource();

function embedded(html: string): PageData {
  const match = /<script type="application\/json" id="devcap-data">([\s\S]*?)<\/script>/.exec(html);
  expect(match, 'the page embeds its chart data').not.toBeNull();
  return JSON.parse(match![1]!) as PageData;
}

/** Every `<canvas ...>` with its data attributes. */
function canvases(html: string): Array<{ lab: number; chart: string; index: number }> {
  return [...html.matchAll(/<canvas data-lab="(\d+)" data-chart="(\w+)" data-index="(\d+)"/g)].map((m) => ({ lab: Number(m[1]), chart: m[2]!, index: Number(m[3]) }));
}

function decode(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

describe('renderHtml', () => {
  const result = fixture();
  const html = renderHtml([result], { chartJs });

  it('shows every claim with its id and verdict, and scenario steps as text, not charts', () => {
    const shown = [...html.matchAll(/<li class="claim [a-z]+" data-claim="([^"]+)" data-verdict="([a-z]+)">/g)].map((m) => [m[1], m[2]]);
    expect(shown).toEqual(result.claims.map((claim) => [claim.id, claim.verdict]));
    for (const claim of result.claims.filter((claim) => claim.steps)) {
      for (const step of claim.steps!) expect(html).toContain(esc(step.name));
    }
    for (const claim of result.claims.filter((claim) => !claim.steps)) expect(html).toContain(esc(claim.sentence));
    expect(result.claims.some((claim) => claim.kind === 'scenario')).toBe(true);
  });

  it('has the header, the summary table, the measures, the model and the warnings', () => {
    expect(html).toContain(`Day ${result.lab.day} · ${result.lab.slug}`);
    const rows = [...html.matchAll(/<tr data-variant="([^"]+)"><th scope="row">/g)].map((m) => m[1]);
    expect(rows).toEqual([...result.summary.map((row) => row.variant), ...result.model!.predictions.map((prediction) => prediction.variant)]);
    for (const measure of result.measures) expect(html).toContain(`data-measure="${measure.id}"`);
    for (const warning of result.warnings) expect(html).toContain(esc(warning));
    expect(html).toContain(esc(result.model!.statement));
    expect(html).toContain(esc(result.lab.takeaway));
  });

  it('embeds the result\'s own numbers for the charts: one dot per run, each interval, the model', () => {
    const data = embedded(html);
    expect(data.labs).toHaveLength(1);
    const { rounds, intervals, model } = data.labs[0]!;
    const metric = result.lab.headline;
    expect(rounds!.metric).toBe(metric);
    const dots = rounds!.datasets.flatMap((set) => set.points.map((point) => [set.variant, point.round, point.y]));
    expect(dots).toHaveLength(result.runs.length);
    expect(new Set(dots.map(String))).toEqual(new Set(result.runs.map((run) => [run.variant, run.round, run.metrics[metric]].map(String).join(','))));

    const judged = result.claims.filter((claim) => claim.ci95);
    expect(intervals.map((interval) => [interval.id, interval.estimate, interval.low, interval.high, interval.threshold, interval.band])).toEqual(
      judged.map((claim) => [claim.id, claim.estimate, claim.ci95![0], claim.ci95![1], claim.threshold, claim.band ?? null]),
    );
    expect(model).toHaveLength(1);
    expect(model[0]!.predicted).toEqual(result.model!.predictions.map((prediction) => prediction.predicted));
    expect(model[0]!.measured).toEqual(result.model!.predictions.map((prediction) => prediction.measured));
  });

  it('has a canvas for each chart the data describes, and none for scenarios', () => {
    const data = embedded(html).labs[0]!;
    expect(canvases(html)).toEqual([
      { lab: 0, chart: 'rounds', index: 0 },
      ...data.intervals.map((_, index) => ({ lab: 0, chart: 'interval', index })),
      ...data.model.map((_, index) => ({ lab: 0, chart: 'model', index })),
    ]);
    // Each interval canvas sits inside its own claim's item.
    for (const [index, interval] of data.intervals.entries()) {
      const item = html.slice(html.indexOf(`data-claim="${interval.id}"`));
      expect(item.slice(0, item.indexOf('</li>\n<li') === -1 ? undefined : item.indexOf('</li>\n<li'))).toContain(`data-chart="interval" data-index="${index}"`);
    }
  });

  it('draws the last round second by second, a line per variant, when the runs have a timeline', () => {
    expect(embedded(html).labs[0]!.timeline.series).toEqual([]);
    const timed = fixture();
    const last = Math.max(...timed.runs.map((run) => run.round));
    for (const run of timed.runs) {
      run.timeline = { requestsPerSec: [100 + run.round, 110], eventLoopDelayMaxMs: [1, run.round === last ? 400 : 2], eventLoopUtilization: [0.2, 0.9], rssPeakBytes: [50 * 1024 * 1024, 60 * 1024 * 1024] };
    }
    const page = renderHtml([timed], { chartJs });
    const { timeline } = embedded(page).labs[0]!;
    expect(timeline.round).toBe(last);
    expect(timeline.series.map((series) => series.key)).toEqual(['requestsPerSec', 'eventLoopDelayMaxMs', 'eventLoopUtilization', 'rssPeakBytes']);
    const variants = timed.runs.filter((run) => run.round === last && run.connections === timed.config.claimsAtConnections).map((run) => run.variant);
    for (const series of timeline.series) expect(series.lines.map((line) => line.variant)).toEqual(variants);
    expect(timeline.series[0]!.lines[0]!.values).toEqual([100 + last, 110]);
    expect(timeline.series[1]!.lines[0]!.values).toEqual([1, 400]);
    expect(timeline.series[3]!.lines[0]!.values).toEqual([50, 60]);
    expect(canvases(page).filter((entry) => entry.chart === 'timeline')).toEqual(timeline.series.map((_, index) => ({ lab: 0, chart: 'timeline', index })));
    expect(page).toContain(`Second by second, round ${last + 1}`);
  });

  it('an exact count claim draws its lowest and highest round against the threshold', () => {
    const counted = fixture();
    counted.claims.push({ ...counted.claims[0]!, id: 'one-query', kind: 'count', ci95: null, band: undefined, estimate: 1, threshold: 1, direction: 'equals', samples: { 'promise-all': [1, 1, 1] } });
    const interval = embedded(renderHtml([counted], { chartJs })).labs[0]!.intervals.find((entry) => entry.id === 'one-query');
    expect(interval).toMatchObject({ range: 'rounds', low: 1, high: 1, threshold: 1, estimate: 1 });
  });

  it('escapes HTML in every string it shows, and no string can end a script early', () => {
    const hostile = fixture();
    const evil = '<img src=x onerror="alert(1)"> & \'quoted\' </script><!--';
    hostile.lab.title = evil;
    hostile.lab.slug = `slug${evil}`;
    hostile.claims[0]!.statement = evil;
    hostile.claims[0]!.id = `id${evil}`;
    hostile.warnings = [evil];
    hostile.summary[0]!.variant = `v${evil}`;
    hostile.runs = hostile.runs.map((run) => (run.variant === result.summary[0]!.variant ? { ...run, variant: `v${evil}` } : run));
    const page = renderHtml([hostile], { chartJs });
    expect(page).not.toContain('<img');
    expect(page).not.toContain('onerror="');
    expect(page).not.toContain('<!--');
    expect(page).toContain(esc(evil));
    expect(decode(esc(evil))).toBe(evil);
    // Three scripts (data, Chart.js, the page's), each closed once, at its own end.
    expect(page.match(/<script\b/g)).toHaveLength(3);
    expect(page.match(/<\/script>/g)).toHaveLength(3);
    const data = embedded(page).labs[0]!;
    expect(data.intervals[0]!.id).toBe(`id${evil}`);
    expect(data.rounds!.datasets.map((set) => set.variant)).toContain(`v${evil}`);
  });

  it('reaches nothing on the network: Chart.js inlined, no remote script, link or style source, a CSP that forbids fetching', () => {
    expect(html).toContain('Chart.js v4');
    expect(html.length).toBeGreaterThan(chartJs.length);
    expect(html).not.toMatch(/sourceMappingURL/);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//i);
    expect([...html.matchAll(/<link\b[^>]*>/g)].map((m) => m[0])).toEqual(['<link rel="icon" href="data:,">']);
    expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('lab all: a section per lab, a failed lab with its error', () => {
    const failure: LabFailure = { schemaVersion: 1, lab: { day: 12, slug: 'caching', title: 'Caching' }, error: { code: 'DEVCAP_REDIS_MISSING', message: 'no <redis-server> on PATH', exitCode: 3 } };
    const second = fixture();
    second.lab.day = 5;
    const page = renderHtml([result, failure, second], { chartJs });
    expect([...page.matchAll(/<section class="lab[^"]*" id="lab-(\d+)"/g)].map((m) => Number(m[1]))).toEqual([4, 12, 5]);
    expect(page).toContain('<code>DEVCAP_REDIS_MISSING</code>: no &lt;redis-server&gt; on PATH (exit code 3)');
    const data = embedded(page);
    expect(data.labs.map((lab) => lab.day)).toEqual([4, 5]);
    // The second result's canvases point at the second entry of the data, not the failure.
    expect(canvases(page).filter((canvas) => canvas.chart === 'rounds').map((canvas) => canvas.lab)).toEqual([0, 1]);
  });
});
