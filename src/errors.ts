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

export class UsageError extends DevcapError {
  constructor(code: `DEVCAP_${string}`, message: string) {
    super(code, message, ExitCode.usage);
  }
}

export class PrerequisiteError extends DevcapError {
  constructor(code: `DEVCAP_${string}`, message: string) {
    super(code, message, ExitCode.prerequisite);
  }
}

/** A harness failure: a variant crashed, never became ready, or a probe did not answer. */
export class HarnessError extends DevcapError {
  constructor(code: `DEVCAP_${string}`, message: string) {
    super(code, message, ExitCode.runFailed);
  }
}
