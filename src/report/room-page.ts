import type { ClaimResult, Verdict } from './result.js';
import { chartJsSource, scriptText, STYLE } from './html.js';
import { PAGE_HELPERS } from './live.js';

/** One result as the room's page sees it: who sent it, what ran, each claim's verdict and numbers, the machine. */
export interface RoomSummary {
  seq: number;
  receivedAt: string;
  name: string;
  kind: 'lab' | 'check';
  check: { passed: boolean; status: string } | null;
  predictions: { right: number; asked: number } | null;
  lab: { day: number; slug: string; title: string };
  mode: 'quick' | 'default';
  wallTimeMs: number;
  outcome: Verdict;
  claims: Array<{
    id: string;
    kind: ClaimResult['kind'];
    statement: string;
    verdict: ClaimResult['verdict'];
    estimate: number | null;
    ci95: [number, number] | null;
    threshold: number | null;
    band: [number, number] | null;
    direction: ClaimResult['direction'];
    unit: string | null;
  }>;
  machine: { cpuCount: number; cpuModel: string; loadAverage: [number, number, number]; node: string; platform: string };
}

/** Inline scripts and styles, the event stream from the room itself, nothing else. */
export const ROOM_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The room's page: no data of its own, it opens `/events` and draws what the class sent,
 * per lab and claim (every learner's estimate against the threshold, the verdict counts),
 * the exercises passed and who has been on "not yet" for a while, and the machines the
 * results came from. Every name and text goes in with textContent: a name with HTML in it
 * shows as that text.
 */
export function renderRoomPage(options: { chartJs?: string } = {}): string {
  const chartJs = options.chartJs ?? chartJsSource();
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${ROOM_CSP.replace(/; frame-ancestors 'none'/, '')}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,">',
    '<title>devcap room</title>',
    `<style>${STYLE}.count { font-weight: 600; } .names { color: var(--dim); margin-left: 7.5em; } .stuck { color: var(--maybe); }</style>`,
    '</head>',
    '<body>',
    '<header class="page"><h1>devcap room</h1><p class="dim" id="room-status">connecting…</p></header>',
    '<main id="room"></main>',
    `<script>${scriptText(chartJs)}</script>`,
    `<script>${scriptText(ROOM_SCRIPT)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Minutes on "not yet" after which a learner is listed as stuck. */
export const STUCK_AFTER_MINUTES = 10;

const ROOM_SCRIPT = String.raw`
(function () {
  'use strict';
${PAGE_HELPERS}
  var STUCK_MS = ${STUCK_AFTER_MINUTES} * 60 * 1000;
  var colors = { confirmed: '#1a7f37', contradicted: '#cf222e', inconclusive: '#9a6700', invalid: '#8250df', skipped: '#59636e' };
  var entries = [];
  var charts = [];
  var pending = false;
  var status = document.getElementById('room-status');
  var main = document.getElementById('room');

  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; render(); });
  }
  function fmt(value) { return value === null || value === undefined ? '–' : Number(value.toPrecision(3)).toString(); }

  function claimBlock(claim, rows) {
    var item = el('li', { class: 'claim', 'data-claim': claim.id });
    var counts = {};
    rows.forEach(function (row) { counts[row.claim.verdict] = (counts[row.claim.verdict] || 0) + 1; });
    item.appendChild(el('span', {}, claim.statement + ' '));
    item.appendChild(el('span', { class: 'id' }, claim.id));
    var line = el('div', { class: 'sentence', 'data-counts': '' });
    Object.keys(counts).sort().forEach(function (verdict) {
      var part = el('span', { class: 'verdict ' + verdict, 'data-verdict': verdict }, counts[verdict] + ' ' + verdict);
      line.appendChild(part);
    });
    var limit = claim.band ? 'band ' + fmt(claim.band[0]) + '–' + fmt(claim.band[1]) : claim.threshold !== null ? 'threshold ' + fmt(claim.threshold) : '';
    if (limit) line.appendChild(el('span', { class: 'dim' }, ' ' + limit));
    item.appendChild(line);
    var points = rows.filter(function (row) { return typeof row.claim.estimate === 'number' && row.claim.estimate > 0; });
    if (points.length) {
      var box = el('div', { class: 'chart', style: 'height:120px' });
      var canvas = el('canvas', { 'data-room-chart': claim.id, role: 'img' });
      box.appendChild(canvas);
      item.appendChild(box);
      var datasets = [{
        label: 'estimates',
        data: points.map(function (row, i) { return { x: row.claim.estimate, y: (i % 7) + 1, name: row.name }; }),
        backgroundColor: points.map(function (row) { return colors[row.claim.verdict] || '#59636e'; }),
        pointRadius: 5,
      }];
      (claim.band || (claim.threshold !== null ? [claim.threshold] : [])).forEach(function (value) {
        datasets.push({ label: 'threshold', type: 'line', data: [{ x: value, y: 0 }, { x: value, y: 8 }], borderColor: '#cf222e', borderDash: [6, 4], pointRadius: 0 });
      });
      var log = claim.kind === 'ratio';
      charts.push(new Chart(canvas, {
        type: 'scatter',
        data: { datasets: datasets },
        options: {
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (ctx) { return (ctx.raw.name || '') + ': ' + fmt(ctx.raw.x); } } } },
          scales: { y: { display: false, min: 0, max: 8 }, x: { type: log ? 'logarithmic' : 'linear', ticks: log ? { callback: logTick } : {}, title: { display: true, text: 'estimate' + (claim.unit ? ' (' + claim.unit + ')' : '') } } },
        },
      }));
    }
    var names = el('div', { class: 'names' });
    names.textContent = rows.map(function (row) { return row.name + ': ' + row.claim.verdict + (row.claim.estimate === null ? '' : ' ' + fmt(row.claim.estimate)); }).join(' · ');
    item.appendChild(names);
    return item;
  }

  function render() {
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    main.textContent = '';
    var learners = {};
    entries.forEach(function (entry) { learners[entry.name] = true; });
    status.textContent = entries.length + ' result' + (entries.length === 1 ? '' : 's') + ' from ' + Object.keys(learners).length + ' learner' + (Object.keys(learners).length === 1 ? '' : 's') + ' · live';
    status.setAttribute('data-count', String(entries.length));

    var byLab = {};
    entries.forEach(function (entry) { (byLab[entry.lab.day] = byLab[entry.lab.day] || { lab: entry.lab, entries: [] }).entries.push(entry); });
    Object.keys(byLab).map(Number).sort(function (a, b) { return a - b; }).forEach(function (day) {
      var group = byLab[day];
      var section = el('section', { 'data-lab': String(day) });
      section.appendChild(el('h2', {}, 'Day ' + day + ' · ' + group.lab.slug + ' — ' + group.lab.title));
      // Each learner's latest lab run per claim, so a learner who ran it five times counts once.
      var latest = {};
      group.entries.forEach(function (entry) { if (entry.kind === 'lab') latest[entry.name] = entry; });
      var claims = {};
      var order = [];
      Object.keys(latest).forEach(function (name) {
        latest[name].claims.forEach(function (claim) {
          if (!claims[claim.id]) { claims[claim.id] = { claim: claim, rows: [] }; order.push(claim.id); }
          claims[claim.id].rows.push({ name: name, claim: claim });
        });
      });
      if (order.length) {
        section.appendChild(el('h3', {}, 'Claims: each learner\u2019s latest run (' + Object.keys(latest).length + ')'));
        var list = el('ul', { class: 'claims' });
        order.forEach(function (id) { list.appendChild(claimBlock(claims[id].claim, claims[id].rows)); });
        section.appendChild(list);
      }
      // Predictions (lab --predict) against the measurements: each learner's latest.
      var guessed = {};
      group.entries.forEach(function (entry) { if (entry.predictions) guessed[entry.name] = entry.predictions; });
      var guessers = Object.keys(guessed);
      if (guessers.length) {
        var right = 0, asked = 0;
        guessers.forEach(function (name) { right += guessed[name].right; asked += guessed[name].asked; });
        section.appendChild(el('p', { 'data-predictions': '' }, 'Predictions against the measurements: ' + right + ' of ' + asked + ' right, from ' + guessers.length + ' learner' + (guessers.length === 1 ? '' : 's') + ' (' +
          guessers.map(function (name) { return name + ' ' + guessed[name].right + '/' + guessed[name].asked; }).join(', ') + ')'));
      }
      var checks = group.entries.filter(function (entry) { return entry.kind === 'check'; });
      if (checks.length) {
        section.appendChild(el('h3', {}, 'Exercise'));
        var state = {};
        checks.forEach(function (entry) {
          var s = state[entry.name] = state[entry.name] || { passed: false, notYetSince: null };
          if (entry.check.passed) { s.passed = true; s.notYetSince = null; }
          else if (!s.passed && s.notYetSince === null) s.notYetSince = Date.parse(entry.receivedAt);
          s.last = entry.check.status;
        });
        var passed = Object.keys(state).filter(function (name) { return state[name].passed; });
        var notYet = Object.keys(state).filter(function (name) { return !state[name].passed; });
        section.appendChild(el('p', { 'data-exercise': 'passed' }, passed.length + ' passed' + (passed.length ? ': ' + passed.join(', ') : '')));
        section.appendChild(el('p', { 'data-exercise': 'not-yet' }, notYet.length + ' not yet' + (notYet.length ? ': ' + notYet.map(function (name) {
          var since = state[name].notYetSince;
          var minutes = since ? Math.floor((Date.now() - since) / 60000) : 0;
          return name + (Date.now() - since >= STUCK_MS ? ' (on not yet for ' + minutes + ' min)' : '');
        }).join(', ') : '')));
      }
      main.appendChild(section);
    });

    if (entries.length) {
      main.appendChild(el('h2', {}, 'Machines'));
      var table = el('table', { 'data-machines': '' });
      var head = el('tr', {});
      ['learner', 'cores', 'CPU', '1-min load', 'Node'].forEach(function (text) { head.appendChild(el('th', { scope: 'col' }, text)); });
      table.appendChild(head);
      var machines = {};
      entries.forEach(function (entry) { machines[entry.name] = entry.machine; });
      Object.keys(machines).sort().forEach(function (name) {
        var m = machines[name];
        var row = el('tr', {});
        row.appendChild(el('th', { scope: 'row' }, name));
        [m.cpuCount, m.cpuModel, m.loadAverage[0], m.node].forEach(function (value) {
          var cell = el('td', {}, String(value));
          if (value === m.loadAverage[0] && m.loadAverage[0] > m.cpuCount) cell.className = 'stuck';
          row.appendChild(cell);
        });
        table.appendChild(row);
      });
      main.appendChild(table);
      main.appendChild(el('p', { class: 'dim' }, 'A load above the cores (highlighted) means that machine was busy: its numbers are noisier.'));
    }
  }

  var source = new EventSource('events');
  source.addEventListener('open', function () { status.textContent = entries.length + ' results · live'; });
  source.addEventListener('error', function () { status.textContent = 'the connection to the room dropped; reconnecting'; });
  source.addEventListener('snapshot', function (e) { entries = JSON.parse(e.data); schedule(); });
  source.addEventListener('entry', function (e) { entries.push(JSON.parse(e.data)); schedule(); });
  // "On not yet for a while" changes with the clock, not only with new results.
  setInterval(schedule, 30000);
})();
`;
