import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  BadHost,
  BadOption,
  BadOut,
  BadResult,
  BadRoom,
  CalibrationFailed,
  DevcapError,
  DriveFailed,
  ExitCode,
  HarnessError,
  NoSuchFile,
  NotReady,
  PortDenied,
  PrerequisiteError,
  ScriptFailed,
  SpawnFailed,
  TooBig,
  UnknownLab,
  UnknownVariant,
  UsageError,
} from './errors.js';

// Each class fixes its code and its exit code; the CLI's error printer reads both, and `detail`, from DevcapError.
const classes = [
  [BadOption, 'DEVCAP_BAD_OPTION', ExitCode.usage],
  [BadHost, 'DEVCAP_BAD_HOST', ExitCode.usage],
  [UnknownLab, 'DEVCAP_UNKNOWN_LAB', ExitCode.usage],
  [UnknownVariant, 'DEVCAP_UNKNOWN_VARIANT', ExitCode.usage],
  [NoSuchFile, 'DEVCAP_NO_SUCH_FILE', ExitCode.usage],
  [PortDenied, 'DEVCAP_PORT_DENIED', ExitCode.usage],
  [BadOut, 'DEVCAP_BAD_OUT', ExitCode.usage],
  [BadRoom, 'DEVCAP_BAD_ROOM', ExitCode.usage],
  [BadResult, 'DEVCAP_BAD_RESULT', ExitCode.usage],
  [TooBig, 'DEVCAP_TOO_BIG', ExitCode.usage],
  [NotReady, 'DEVCAP_NOT_READY', ExitCode.runFailed],
  [SpawnFailed, 'DEVCAP_SPAWN_FAILED', ExitCode.runFailed],
  [CalibrationFailed, 'DEVCAP_CALIBRATION_FAILED', ExitCode.runFailed],
  [DriveFailed, 'DEVCAP_DRIVE_FAILED', ExitCode.runFailed],
  [ScriptFailed, 'DEVCAP_SCRIPT_FAILED', ExitCode.runFailed],
] as const;

describe('error classes with their own codes', () => {
  it.each(classes)('%o has its code and exit code, and the shape of a DevcapError', (Class, code, exitCode) => {
    const error = new Class('the one line');
    expect(error).toBeInstanceOf(DevcapError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(exitCode);
    expect(error.message).toBe('the one line');
    expect(error.detail).toBeUndefined();
    expect(error.name).toBe('DevcapError');
    // …and an instance of the general class of its exit code, which callers test for (exercise's hint, postgres's rethrow).
    expect(error).toBeInstanceOf(exitCode === ExitCode.usage ? UsageError : HarnessError);
  });

  it('the general classes keep their exit codes for the codes without a class', () => {
    expect(new UsageError('DEVCAP_UNKNOWN_PARAM', 'x').exitCode).toBe(ExitCode.usage);
    expect(new PrerequisiteError('DEVCAP_REDIS_MISSING', 'x').exitCode).toBe(ExitCode.prerequisite);
    expect(new HarnessError('DEVCAP_VARIANT_CRASHED', 'x').exitCode).toBe(ExitCode.runFailed);
  });

  it('a code with its own class cannot be given to another class, nor a code to its own (type test)', () => {
    expectTypeOf(new BadOption('x').code).toEqualTypeOf<'DEVCAP_BAD_OPTION'>();
    expectTypeOf(new UnknownLab('x').code).toEqualTypeOf<'DEVCAP_UNKNOWN_LAB'>();
    // @ts-expect-error DEVCAP_BAD_OPTION is BadOption's: exit 2, always
    void new UsageError('DEVCAP_BAD_OPTION', 'x');
    // @ts-expect-error nor can a harness failure claim it (exit 4)
    void new HarnessError('DEVCAP_UNKNOWN_VARIANT', 'x');
    // @ts-expect-error a harness code with its class: DriveFailed's
    void new HarnessError('DEVCAP_DRIVE_FAILED', 'x');
    // @ts-expect-error TooBig's, exit 2
    void new UsageError('DEVCAP_TOO_BIG', 'x');
    expectTypeOf(new NotReady('x').code).toEqualTypeOf<'DEVCAP_NOT_READY'>();
    // @ts-expect-error the class fixes the code: it takes only the message
    void new BadOption('DEVCAP_BAD_HOST', 'x');
  });
});
