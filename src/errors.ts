/** Exit codes shared by the CLI and the harness (see README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  contradicted: 1,
  usage: 2,
  prerequisite: 3,
  runFailed: 4,
  interrupted: 130,
  hangup: 129,
  terminated: 143,
} as const;

/**
 * A fault of the run itself (bad input, a variant that will not start, a missing
 * service). Findings such as a contradicted claim are results, never errors.
 */
export class DevcapError extends Error {
  readonly code: `DEVCAP_${string}`;
  readonly exitCode: number;
  /** More than the one line, shown only under --debug: what a failed child printed. */
  detail?: string;
  constructor(code: `DEVCAP_${string}`, message: string, exitCode: number = ExitCode.usage) {
    super(message);
    this.name = 'DevcapError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

type Code = `DEVCAP_${string}`;

/**
 * A code with its own class below: the class fixes its exit code, so UsageError,
 * PrerequisiteError and HarnessError refuse it (a compile error) and a call site cannot pair
 * it with another exit code.
 */
export type OwnCode = (typeof OWN_CODES)[number];
type FreeCode<C extends Code> = C extends OwnCode ? never : C;

export class UsageError<C extends Code = Code> extends DevcapError {
  constructor(code: FreeCode<C>, message: string) {
    super(code, message, ExitCode.usage);
  }
}

export class PrerequisiteError<C extends Code = Code> extends DevcapError {
  constructor(code: FreeCode<C>, message: string) {
    super(code, message, ExitCode.prerequisite);
  }
}

/** A harness failure: a variant crashed, never became ready, or a probe did not answer. */
export class HarnessError<C extends Code = Code> extends DevcapError {
  constructor(code: FreeCode<C>, message: string) {
    super(code, message, ExitCode.runFailed);
  }
}

/** A general class that refuses the codes with a class of their own; `coded` gives it the one code. */
type Refusing = new (code: never, message: string) => DevcapError;

/**
 * The base of an error class with one code: a call site gives only the message, and the
 * exit code is the general class's (`UsageError` 2, `HarnessError` 4), which the class
 * also stays an instance of.
 */
function coded<C extends Code>(code: C, Base: Refusing) {
  return class extends Base {
    declare readonly code: C;
    constructor(message: string) {
      super(code as never, message);
    }
  };
}

/** A flag's value (or its environment variable's) that is malformed or out of range, or flags that do not go together. */
export class BadOption extends coded('DEVCAP_BAD_OPTION', UsageError) {}
/** `--host` (or a room URL's host) that is not an address or name of this machine. */
export class BadHost extends coded('DEVCAP_BAD_HOST', UsageError) {}
/** A lab that is not in the manifest (a day or a slug). */
export class UnknownLab extends coded('DEVCAP_UNKNOWN_LAB', UsageError) {}
/** A variant the lab does not have. */
export class UnknownVariant extends coded('DEVCAP_UNKNOWN_VARIANT', UsageError) {}
/** A file named on the command line that is not there. */
export class NoSuchFile extends coded('DEVCAP_NO_SUCH_FILE', UsageError) {}
/** A port this user may not listen on. */
export class PortDenied extends coded('DEVCAP_PORT_DENIED', UsageError) {}
/** `--out` that cannot be written. */
export class BadOut extends coded('DEVCAP_BAD_OUT', UsageError) {}
/** `--room` that is not a room's join URL. */
export class BadRoom extends coded('DEVCAP_BAD_ROOM', UsageError) {}
/** A file given to `compare` that is not a lab result. */
export class BadResult extends coded('DEVCAP_BAD_RESULT', UsageError) {}

/** A run that would not fit this machine (its memory, its open-file limit): the flags to lower are in the message. */
export class TooBig extends coded('DEVCAP_TOO_BIG', UsageError) {}

/** A variant (or a process a lab starts) that did not announce its port, or announced it and never answered its ready path. */
export class NotReady extends coded('DEVCAP_NOT_READY', HarnessError) {}
/** A process that could not be started at all (the spawn itself failed). */
export class SpawnFailed extends coded('DEVCAP_SPAWN_FAILED', HarnessError) {}
/** A lab's calibration that failed or took too long. */
export class CalibrationFailed extends coded('DEVCAP_CALIBRATION_FAILED', HarnessError) {}
/** A lab's drive (what it does to a variant beside the load) that got an answer it cannot go on from, or waited in vain. */
export class DriveFailed extends coded('DEVCAP_DRIVE_FAILED', HarnessError) {}
/** A script a lab runs that failed, timed out or reported what it should not. */
export class ScriptFailed extends coded('DEVCAP_SCRIPT_FAILED', HarnessError) {}

const OWN_CODES = [
  'DEVCAP_BAD_OPTION',
  'DEVCAP_BAD_HOST',
  'DEVCAP_UNKNOWN_LAB',
  'DEVCAP_UNKNOWN_VARIANT',
  'DEVCAP_NO_SUCH_FILE',
  'DEVCAP_PORT_DENIED',
  'DEVCAP_BAD_OUT',
  'DEVCAP_BAD_ROOM',
  'DEVCAP_BAD_RESULT',
  'DEVCAP_TOO_BIG',
  'DEVCAP_NOT_READY',
  'DEVCAP_SPAWN_FAILED',
  'DEVCAP_CALIBRATION_FAILED',
  'DEVCAP_DRIVE_FAILED',
  'DEVCAP_SCRIPT_FAILED',
] as const;
