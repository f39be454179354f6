import { chartJsSource, esc, scriptText, STYLE } from './html.js';

/**
 * `devcap lab --live`: the page the live server sends. It holds no data of its own: it
 * opens `/events` (server-sent events, each a RunEvent as JSON) and draws the run as it
 * comes in: the plan, a dot per run of the headline metric, each judged claim's interval
 * after each round against its threshold, the verdicts; then the `page` event carries the
 * same page as `--html`, which replaces this one. Chart.js is inlined, the CSP allows the
 * event stream from this server and nothing else.
 */
export function renderLivePage(title: string, options: { chartJs?: string } = {}): string {
  const chartJs = options.chartJs ?? chartJsSource();
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(LIVE_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}${LIVE_STYLE}</style>`,
    '</head>',
    '<body>',
    `<header class="page"><h1>${esc(title)}</h1><p class="dim" id="live-status">waiting for the run…</p></header>`,
    '<main id="labs"></main>',
    `<script>${scriptText(chartJs)}</script>`,
    `<script>${scriptText(LIVE_SCRIPT)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Inline scripts and styles, the event stream from this origin, nothing else. Also sent as a header. */
export const LIVE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'";

const LIVE_STYLE = `
.live { color: var(--maybe); font-weight: 600; } .plan { margin: 0.3rem 0 0.8rem; }
.claims > li[data-verdict=pending] .verdict { color: var(--dim); } .claims > li .verdict { margin-right: 0.5em; }
`;

/**
 * What the live page and the room's page both run first: Chart.js's defaults, `logTick`,
 * and `el`, which makes an element whose text goes in as textContent, never as HTML.
 */
export const PAGE_HELPERS = String.raw`
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  // A log axis labels only 1, 2 and 5 of each decade: every tick labelled runs together.
  function logTick(value) {
    var mantissa = value / Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
    var lead = Math.round(mantissa);
    return Math.abs(mantissa - lead) < 1e-6 && (lead === 1 || lead === 2 || lead === 5) ? String(Number(value.toPrecision(3))) : '';
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
`;

/** Runs in the page. Every text from the run goes in with textContent: nothing it carries is parsed as HTML. No backticks (a template literal). */
const LIVE_SCRIPT = String.raw`
(function () {
  'use strict';
  var palette = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bc4c00', '#1b7c83', '#9a6700', '#bf3989'];
${PAGE_HELPERS}
  var labs = {};
  var status = document.getElementById('live-status');
  var main = document.getElementById('labs');

  function chartBox(height) {
    var box = el('div', { class: 'chart', style: 'height:' + height + 'px' });
    var canvas = el('canvas', { role: 'img' });
    box.appendChild(canvas);
    return { box: box, canvas: canvas };
  }

  function onPlan(plan) {
    var day = plan.lab.day;
    var section = el('section', { 'data-lab': String(day) });
    section.appendChild(el('h2', {}, 'Day ' + day + ' · ' + plan.lab.slug + ' — ' + plan.lab.title));
    section.appendChild(el('p', { class: 'lesson' }, plan.lab.claim));
    var c = plan.config;
    section.appendChild(el('p', { class: 'plan', 'data-live': 'plan' },
      'Plan: ' + c.mode + ' run, ' + c.rounds + ' rounds of ' + c.durationSec + ' s at ' + c.connections.join(', ') + ' connection(s); variants ' +
      c.variants.join(', ') + (c.notLoaded.length ? ' (not loaded: ' + c.notLoaded.join(', ') + ')' : '') + '; ' + plan.totalRuns + ' runs.' +
      (plan.skipped.length ? ' Skipped: ' + plan.skipped.map(function (s) { return s.variant + ' (' + s.reason + ')'; }).join('; ') : '')));
    var progress = el('p', { class: 'live', 'data-live': 'progress' }, 'run 0 of ' + plan.totalRuns);
    section.appendChild(progress);
    section.appendChild(el('h3', {}, plan.headline.label + ', every run'));
    var rounds = chartBox(260);
    rounds.canvas.setAttribute('data-live', 'rounds');
    section.appendChild(rounds.box);
    var datasets = c.variants.map(function (name, i) {
      return { label: name, data: [], backgroundColor: palette[i % palette.length], borderColor: palette[i % palette.length], pointRadius: 4, showLine: false };
    });
    var roundsChart = new Chart(rounds.canvas, {
      type: 'scatter',
      data: { datasets: datasets },
      options: { scales: { x: { title: { display: true, text: 'round' }, ticks: { stepSize: 1 } }, y: { title: { display: true, text: plan.headline.label + (plan.headline.unit ? ' (' + plan.headline.unit + ')' : '') } } } },
    });
    section.appendChild(el('h3', {}, 'Claims, round by round'));
    var list = el('ul', { class: 'claims' });
    var claims = {};
    plan.claims.forEach(function (claim) {
      var item = el('li', { class: 'claim', 'data-claim': claim.id, 'data-verdict': 'pending' });
      var verdict = el('span', { class: 'verdict' }, claim.kind === 'scenario' ? 'after the rounds' : 'measuring');
      item.appendChild(verdict);
      item.appendChild(el('span', {}, claim.statement + ' '));
      item.appendChild(el('span', { class: 'id' }, claim.id));
      var sentence = el('div', { class: 'sentence' });
      item.appendChild(sentence);
      var entry = { item: item, verdict: verdict, sentence: sentence, chart: null, kind: claim.kind };
      if (claim.kind !== 'scenario') {
        var box = chartBox(180);
        box.canvas.setAttribute('data-live', 'interval');
        box.canvas.setAttribute('data-claim', claim.id);
        item.appendChild(box.box);
        entry.canvas = box.canvas;
      }
      claims[claim.id] = entry;
      list.appendChild(item);
    });
    section.appendChild(list);
    main.appendChild(section);
    labs[day] = { section: section, progress: progress, roundsChart: roundsChart, variants: c.variants, headline: plan.lab.headline, claims: claims };
  }

  function onRun(event) {
    var lab = labs[event.day];
    if (!lab) return;
    var index = lab.variants.indexOf(event.run.variant);
    var value = event.run.metrics[lab.headline];
    if (index >= 0 && typeof value === 'number') lab.roundsChart.data.datasets[index].data.push({ x: event.run.round + 1, y: value });
    lab.roundsChart.update();
    lab.progress.textContent = 'run ' + event.done + ' of ' + event.totalRuns + (event.run.invalid ? ' · the last run was invalid: ' + event.run.invalid : '');
  }

  function intervalChart(entry, claim) {
    var threshold = claim.band ? claim.band : claim.threshold === null ? [] : [claim.threshold];
    // Ratios span decades; a model's measured/predicted sits near 1, where a log axis labels nothing.
    var log = claim.kind === 'ratio';
    entry.chart = new Chart(entry.canvas, {
      type: 'line',
      data: { labels: [], datasets: [
        { label: '95% interval, low', data: [], borderColor: '#8c959f', pointRadius: 2, fill: false },
        { label: 'estimate', data: [], borderColor: '#0969da', backgroundColor: '#0969da', pointRadius: 4 },
        { label: '95% interval, high', data: [], borderColor: '#8c959f', pointRadius: 2, fill: '-2', backgroundColor: 'rgba(9,105,218,0.08)' },
      ].concat(threshold.map(function (value, i) {
        return { label: threshold.length > 1 ? (i ? 'band, high' : 'band, low') : 'threshold', data: [], borderColor: '#cf222e', borderDash: [6, 4], pointRadius: 0, thresholdValue: value };
      })) },
      options: { scales: { x: { title: { display: true, text: 'after round' } }, y: log ? { type: 'logarithmic', ticks: { callback: logTick } } : { type: 'linear' } } },
    });
  }

  function onClaims(event) {
    var lab = labs[event.day];
    if (!lab) return;
    event.claims.forEach(function (claim) {
      var entry = lab.claims[claim.id];
      if (!entry || !entry.canvas) return;
      if (!entry.chart) intervalChart(entry, claim);
      var chart = entry.chart;
      var low = claim.ci95 ? claim.ci95[0] : claim.estimate;
      var high = claim.ci95 ? claim.ci95[1] : claim.estimate;
      chart.data.labels.push(String(event.afterRound));
      chart.data.datasets[0].data.push(low);
      chart.data.datasets[1].data.push(claim.estimate);
      chart.data.datasets[2].data.push(high);
      for (var i = 3; i < chart.data.datasets.length; i++) chart.data.datasets[i].data.push(chart.data.datasets[i].thresholdValue);
      chart.update();
      entry.item.setAttribute('data-verdict', 'pending');
      entry.verdict.textContent = 'so far: ' + claim.verdict;
      entry.sentence.textContent = 'after round ' + event.afterRound + ': ' + claim.sentence;
    });
  }

  function onResult(result) {
    var lab = labs[result.lab.day];
    if (!lab) return;
    lab.progress.textContent = 'done in ' + (result.wallTimeMs / 1000).toFixed(1) + ' s: ' + result.outcome;
    result.claims.forEach(function (claim) {
      var entry = lab.claims[claim.id];
      if (!entry) return;
      entry.item.setAttribute('data-verdict', claim.verdict);
      entry.verdict.className = 'verdict ' + claim.verdict;
      entry.verdict.textContent = claim.verdict;
      entry.sentence.textContent = claim.sentence;
    });
  }

  var source = new EventSource('events');
  source.addEventListener('open', function () { status.textContent = 'live: updated as the run goes'; });
  source.addEventListener('error', function () { status.textContent = 'the connection to devcap dropped; reconnecting (everything so far is sent again)'; });
  source.addEventListener('reset', function () {
    // A reconnect with nothing to resume from: everything is sent again from the start.
    main.textContent = '';
    labs = {};
  });
  source.addEventListener('plan', function (e) { onPlan(JSON.parse(e.data)); });
  source.addEventListener('run', function (e) { onRun(JSON.parse(e.data)); });
  source.addEventListener('claims', function (e) { onClaims(JSON.parse(e.data)); });
  source.addEventListener('result', function (e) { onResult(JSON.parse(e.data).result); });
  source.addEventListener('failure', function (e) {
    var failure = JSON.parse(e.data).failure;
    main.appendChild(el('p', { class: 'bad' }, 'Day ' + failure.lab.day + ' (' + failure.lab.slug + ') failed: ' + failure.error.code + ': ' + failure.error.message));
  });
  source.addEventListener('page', function (e) {
    // The run is over: the same page as --html takes this one's place (and can be saved).
    source.close();
    var html = JSON.parse(e.data).html;
    document.open();
    document.write(html);
    document.close();
  });
  source.addEventListener('end', function () {
    source.close();
    status.textContent = 'the run ended';
  });
})();
`;
