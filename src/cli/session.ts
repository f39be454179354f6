/**
 * What every command that starts processes does around its run, written once: first the
 * sweep of what a run killed outright (SIGKILL, the OOM killer) left behind; then, on SIGINT,
 * SIGTERM or SIGHUP, stop the progress display, release everything owned, say so in one line
 * and exit with the signal's code; at the end, release everything owned.
 */
import { exitCodeFor, onInterrupt, ownedCount, releaseAll } from '../harness/cleanup.js';
import { prepareFolders, sweep } from '../harness/ownership.js';

export interface SessionOptions {
  /** Say on stderr how many leftovers the sweep removed (`lab`, not under --json); others sweep silently. */
  announceSweep?: boolean;
  /** The line printed after everything is released, from the signal and how many processes were owned when it came. */
  interruptLine(signal: NodeJS.Signals, stopped: number): string;
  /** The exit code after this signal; 130, 143 or 129 unless the command says otherwise (Ctrl-C ends `serve` with 0). */
  exitCode?(signal: NodeJS.Signals): number;
}

export interface Session {
  /** From now on a signal releases everything, after stopping the progress display (read when the signal comes: each `check --watch` makes its own). */
  handleSignals(stopDisplay?: () => void): void;
  /** A signal came: the command's loop should end. */
  readonly stopping: boolean;
  /** Everything owned, released (the end of a run, however it ended). */
  release(): Promise<void>;
}

/** `devcap: stopped 3 processes` or `1 process`. */
export const processes = (count: number) => `${count} process${count === 1 ? '' : 'es'}`;

export function openSession(options: SessionOptions): Session {
  prepareFolders();
  const swept = sweep();
  if (options.announceSweep && swept.removed) process.stderr.write(`devcap: removed ${swept.removed} leftover${swept.removed === 1 ? '' : 's'} of an earlier run that did not end cleanly\n`);
  let stopping = false;
  return {
    handleSignals(stopDisplay = () => {}) {
      onInterrupt((signal) => {
        stopping = true;
        stopDisplay();
        const count = ownedCount();
        void releaseAll().finally(() => {
          process.stderr.write(options.interruptLine(signal, count));
          process.exit((options.exitCode ?? exitCodeFor)(signal));
        });
      });
    },
    get stopping() {
      return stopping;
    },
    release: releaseAll,
  };
}

/** The line of `lab` and `profile`: what the interrupt stopped. */
export const interruptedLine = (signal: NodeJS.Signals, count: number) => `devcap: interrupted (${signal}); stopped ${processes(count)}, nothing left running\n`;
