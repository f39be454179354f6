import { describe, expect, it } from 'vitest';
import { loadLab } from '../lab/registry.js';
import type { ClaimResult, LabResult } from '../report/result.js';
import { measuredChoice, questionsFor, scorePredictions } from './predict.js';

const { lab } = await loadLab('02-event-loop');

const claim = (id: string, verdict: ClaimResult['verdict'], estimate: number | null) => ({ id, verdict, estimate }) as ClaimResult;

describe('--predict questions', () => {
  it('one per claim, without the claim\'s own wording, and --claims narrows them', () => {
    const questions = questionsFor(lab);
    expect(questions.map((question) => question.claim)).toEqual(lab.claims.map((entry) => entry.id));
    for (const question of questions) expect(question.text).not.toContain(lab.claims.find((entry) => entry.id === question.claim)!.statement);
    expect(questionsFor(lab, ['sync-throughput-is-one-core']).map((question) => question.claim)).toEqual(['sync-throughput-is-one-core']);
  });

  it('a ratio is asked as "about how many times", in ranges from less to about 100×', () => {
    const [ping] = questionsFor(lab, ['ping-p50-sync-vs-async']);
    expect(ping!.text).toBe("/ping p50 of pbkdf2-sync, as a multiple of pbkdf2-async's: about how many times?");
    expect(ping!.choices.map((choice) => choice.label)).toEqual(['less (under 0.7×)', 'about the same (0.7×–1.5×)', 'about 2× (1.5×–5×)', 'about 10× (5×–30×)', 'about 100× (over 30×)']);
    expect(measuredChoice(ping!, claim('ping-p50-sync-vs-async', 'confirmed', 98))).toBe(4);
    expect(measuredChoice(ping!, claim('ping-p50-sync-vs-async', 'contradicted', 1.02))).toBe(1);
    expect(measuredChoice(ping!, claim('ping-p50-sync-vs-async', 'invalid', 3))).toBeNull();
  });

  it('a model claim is asked against the prediction, in the claim\'s own band', () => {
    const [model] = questionsFor(lab, ['sync-throughput-is-one-core']);
    expect(model!.choices.map((choice) => choice.label)).toEqual(['well below it (under 0.7×)', 'as predicted (0.7×–1.3×)', 'well above it (over 1.3×)']);
    expect(measuredChoice(model!, claim('sync-throughput-is-one-core', 'confirmed', 0.96))).toBe(1);
  });

  it('scores each guess against the measurement, leaving out claims without one', () => {
    const questions = questionsFor(lab, ['ping-p50-sync-vs-async', 'loop-delay-sync-vs-async', 'sync-throughput-is-one-core']);
    const result = {
      claims: [claim('ping-p50-sync-vs-async', 'confirmed', 40), claim('loop-delay-sync-vs-async', 'confirmed', 8), claim('sync-throughput-is-one-core', 'invalid', null)],
    } as LabResult;
    const score = scorePredictions(questions, [3, 4, 1], result);
    expect(score).toMatchObject({ right: 0, asked: 2 });
    expect(score.text).toContain('you said: about 10× (5×–30×); measured 40× → wrong (it was: about 100× (over 30×))');
    expect(score.text).toContain('no measurement to score it against (invalid)');
    expect(scorePredictions(questions, [4, 3, 1], result)).toMatchObject({ right: 2, asked: 2 });
  });
});
