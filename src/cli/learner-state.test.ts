import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyState, learnerFile, readState, updateState, writeState } from './learner-state.js';

const dir = mkdtempSync(join(tmpdir(), 'learner-state-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('learner state', () => {
  it('lives in the state dir (DEVCAP_STATE_DIR overrides it)', () => {
    expect(learnerFile({ DEVCAP_STATE_DIR: '/x/y' })).toBe('/x/y/learner.json');
  });

  it('starts empty, and keeps what was written', () => {
    const file = join(dir, 'a', 'learner.json');
    expect(readState(file)).toEqual(emptyState());
    updateState((state) => void (state.exercises['2'] = { passed: true, checks: 1, last: 'now', passedAt: 'now' }), file);
    expect(readState(file).exercises['2']).toMatchObject({ passed: true });
  });

  it('keeps a corrupt file aside before starting fresh, and says where', () => {
    const file = join(dir, 'b', 'learner.json');
    writeState(emptyState(), file);
    writeFileSync(file, '{"version": 1, "runs": [tru');
    const warnings: string[] = [];
    expect(readState(file, (line) => warnings.push(line))).toEqual(emptyState());
    const kept = readdirSync(join(dir, 'b')).filter((name) => name.startsWith('learner.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, 'b', kept[0]!), 'utf8')).toBe('{"version": 1, "runs": [tru');
    expect(warnings[0]).toMatch(/^DEVCAP_STATE_CORRUPT: .* kept it as .*learner\.json\.corrupt-/);
    // A file that parses but is not a record (another program's JSON) is kept aside too.
    writeFileSync(file, '[1, 2, 3]');
    expect(readState(file, () => {})).toEqual(emptyState());
    expect(existsSync(file)).toBe(false);
  });

  it('an unwritable state dir costs a warning, never an exception', () => {
    const blocker = join(dir, 'c');
    writeFileSync(blocker, 'a file where a folder should be');
    expect(() => updateState(() => {}, join(blocker, 'learner.json'))).not.toThrow();
  });
});
