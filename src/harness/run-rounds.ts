/** The rounds of a lab run: fresh processes in alternating order, stopping once the claims are decided. */
import { performance } from 'node:perf_hooks';
import { claimVariants } from '../lab/types.js';
import type { ClaimResult, RoundRun, RoundsPlan } from '../report/result.js';
import { Calibrator } from './calibrator.js';
import { evaluateClaim, invalidOn, type JudgedClaim } from './evaluate.js';
import { labHeader } from './plan.js';
import { isSkippedIn, type ProvidedRun, type RunContext } from './run-context.js';
import { runOnce } from './run-once.js';
import { lookLevel, lookSchedule } from './sequential.js';
import { answeredWrongly } from './validity.js';

/**
 * Whether the rounds can stop on these runs: at a look (`atLook`), every judged claim
 * decided at this level; after any round, every judged claim invalid (an invalid run makes
 * its claims invalid for good). A check (`options.check`) stops as soon as it cannot
 * pass: one claim invalid after any round, or contradicted at a look.
 */
export type Decided = (runs: RoundRun[], level: number, atLook: boolean) => false | 'decided' | 'cannot-pass';

/** Tells `--live` the plan before the first run. */
export function announcePlan(run: ProvidedRun): void {
  const { loaded, config, progress, provided, table } = run;
  const header = labHeader(loaded.lab);
  progress.event?.({
    type: 'plan',
    lab: header,
    config,
    headline: table[header.headline] ?? { label: header.headline, unit: 'count', better: 'higher' },
    claims: loaded.lab.claims.map((claim) => ({ id: claim.id, kind: claim.kind, statement: claim.statement })),
    skipped: provided.skipped,
    totalRuns: config.connections.length * config.rounds * run.names.length,
  });
}

/**
 * Sequential rounds (sequential.ts): after some rounds, the claims are judged on the runs so
 * far at the looks' level; once every one is decided, no more rounds. --rounds N fixes N.
 */
export function decidedBy(run: ProvidedRun): Decided | undefined {
  if (run.options.rounds !== undefined) return undefined;
  const { loaded, config, table } = run;
  const isSkipped = isSkippedIn(run.provided);
  const judged = loaded.lab.claims.filter((claim): claim is JudgedClaim => claim.kind !== 'scenario' && !claimVariants(claim).some(isSkipped));
  const check = run.options.check === true;
  return (runs, level, atLook) =>
    run.clock.timeSync('judge', () => {
      const invalid = judged.filter((claim) => invalidOn(claim, runs, config.claimsAtConnections));
      if (invalid.length === judged.length && judged.length) return 'decided';
      if (check && invalid.length) return 'cannot-pass';
      if (!atLook) return false;
      const verdicts = judged.map((claim) => evaluateClaim(claim, { runs, connections: config.claimsAtConnections, table, sidePath: config.side?.path, level }).verdict);
      if (verdicts.every((verdict) => verdict !== 'inconclusive')) return 'decided';
      return check && verdicts.includes('contradicted') ? 'cannot-pass' : false;
    });
}

/**
 * Rounds of fresh processes; the order alternates (A B C, C B A) so drift favours no one.
 * With `decided` (no --rounds), the block of rounds the claims are judged at stops at the
 * first look (sequential.ts) where every judged claim is decided; other connection counts
 * (the table's) run the cap.
 */
export async function runRounds(run: ProvidedRun, decided: Decided | undefined): Promise<{ runs: RoundRun[]; plan: RoundsPlan }> {
  const { loaded, names, config, progress, releases } = run;
  const runs: RoundRun[] = [];
  const looks = decided ? lookSchedule(config.rounds) : [config.rounds];
  const plan: RoundsPlan = { ran: 0, cap: config.rounds, looks, level: lookLevel(looks.length), stopped: decided ? 'cap' : 'fixed' };
  if (!names.length) return { runs, plan: { ...plan, stopped: 'none' } };
  let calibrator: Calibrator | undefined;
  if (loaded.lab.calibrate) {
    calibrator = run.clock.timeSync('calibrate', () => Calibrator.start(loaded));
    const stop = () => calibrator!.stop();
    releases.push(stop);
  }
  let total = config.connections.length * config.rounds * names.length;
  const started = performance.now();
  // A check's file first: its wrong answers end the run before the others are loaded.
  const substituted = (name: string) => run.options.check === true && name in config.substitutes;
  const first = [...names.filter(substituted), ...names.filter((name) => !substituted(name))];
  rounds: for (const connections of config.connections) {
    const judged = connections === config.claimsAtConnections;
    for (let round = 0; round < config.rounds; round++) {
      const order = round % 2 === 0 ? first : [...first].reverse();
      for (const [position, variant] of order.entries()) {
        const left = timeLeft(runs.length, total, performance.now() - started, config.durationSec);
        const of = judged && decided ? `round ${round + 1} of at most ${config.rounds}` : `round ${round + 1}/${config.rounds}`;
        progress.phase(`${loaded.lab.slug}: ${variant}, ${connections} connection${connections === 1 ? '' : 's'}, ${of} (run ${runs.length + 1} of ${decided ? 'at most ' : ''}${total}, ${left})`);
        runs.push(await runOnce(run, { variant, connections, round, order: position }, calibrator));
        progress.event?.({ type: 'run', day: loaded.lab.day, run: runs.at(-1)!, done: runs.length, totalRuns: total });
        if (substituted(variant) && answeredWrongly(runs.at(-1)!)) {
          plan.ran = round + 1;
          plan.stopped = 'wrong-answers';
          break rounds;
        }
      }
      if (!judged) continue;
      plan.ran = round + 1;
      if (progress.event && round >= 1) progress.event({ type: 'claims', day: loaded.lab.day, afterRound: round + 1, claims: run.clock.timeSync('judge', () => interimClaims(run, runs, plan.level)) });
      const stop = decided && round + 1 < config.rounds && decided(runs, plan.level, looks.includes(round + 1));
      if (stop) {
        plan.stopped = stop;
        total -= (config.rounds - round - 1) * names.length;
        break;
      }
    }
  }
  return { runs, plan };
}

/**
 * The judged claims on the rounds so far, as the final evaluation will judge them: how the
 * interval narrows round by round. A claim that cannot be judged yet is left out.
 */
export function interimClaims({ loaded, config, table }: Pick<RunContext, 'loaded' | 'config' | 'table'>, runs: RoundRun[], level = 0.95): ClaimResult[] {
  const context = { runs, connections: config.claimsAtConnections, table, sidePath: config.side?.path, level };
  const judged: ClaimResult[] = [];
  for (const claim of loaded.lab.claims) {
    if (claim.kind === 'scenario') continue;
    try {
      judged.push(evaluateClaim(claim, context));
    } catch {
      // Too few rounds of a variant yet (a model claim before its calibration): next round.
    }
  }
  return judged;
}

/**
 * What the progress line says is left of the loads: before the first run, the plan (each
 * run is its measured seconds plus about 1.5 s to start a process, warm up and read the
 * probe); after it, the pace of the runs so far on this machine.
 */
export function timeLeft(done: number, total: number, elapsedMs: number, durationSec: number): string {
  const remaining = total - done;
  const perRunSec = done ? elapsedMs / 1000 / done : durationSec + 1.5;
  const seconds = Math.max(1, Math.round(remaining * perRunSec));
  const text = seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  return `${done ? '' : 'about '}${text} of loads left`;
}
