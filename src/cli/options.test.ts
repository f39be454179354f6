import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ROUNDS } from '../harness/rounds.js';
import { addOptions, labOptions, type OptionsConfig } from './options.js';

interface Options {
  redisUrl?: string;
  rounds?: number;
  color: boolean;
}

describe('option tables', () => {
  it('a table is typed against its options: every field a flag of its own name, every flag a field (type test)', () => {
    const table: OptionsConfig<Options> = {
      redisUrl: { flags: '--redis-url <url>', description: 'a Redis' },
      rounds: { flags: '--rounds <n>', description: 'rounds', parse: Number },
      color: { flags: '--no-color', description: 'plain text' },
    };
    // @ts-expect-error a field without a flag
    const missing: OptionsConfig<Options> = { redisUrl: table.redisUrl, rounds: table.rounds };
    const extra: OptionsConfig<Options> = {
      ...table,
      // @ts-expect-error a flag without a field
      quick: { flags: '--quick', description: 'quick' },
    };
    // @ts-expect-error a flag that is not its field's name (commander would fill `redis`)
    const misnamed: OptionsConfig<Options> = { ...table, redisUrl: { flags: '--redis <url>', description: 'a Redis' } };
    // @ts-expect-error a number without the parser that makes it one
    const unparsed: OptionsConfig<Options> = { ...table, rounds: { flags: '--rounds <n>', description: 'rounds' } };
    // @ts-expect-error a switch for a field that takes a value
    const switched: OptionsConfig<Options> = { ...table, redisUrl: { flags: '--redis-url', description: 'a Redis' } };
    expect([missing, extra, misnamed, unparsed, switched]).toHaveLength(5);
  });

  it('adds the flags in the table\'s order, with their parsers and conflicts', () => {
    const command = addOptions(new Command('lab').exitOverride(), labOptions);
    expect(command.options.map((option) => option.long)).toEqual(Object.values(labOptions).map(({ flags }) => flags.split(' ')[0]));
    expect(command.parse(['--rounds', String(ROUNDS.min), '--set', 'a=1', '--set', 'b=2'], { from: 'user' }).opts()).toMatchObject({ rounds: ROUNDS.min, set: ['a=1', 'b=2'], color: true });
    expect(() => addOptions(new Command('lab').exitOverride().configureOutput({ writeErr: () => {} }), labOptions).parse(['--json', '--markdown'], { from: 'user' })).toThrow(/cannot be used with/);
  });

  it('--rounds says the range the harness enforces (the README says the same: test/cli.test.ts)', () => {
    expect(labOptions.rounds.description).toContain(`${ROUNDS.min} to ${ROUNDS.max}`);
  });
});
