import type { Progress } from '../harness/run-lab.js';

export interface ProgressOutput {
  progress: Progress;
  stop(): void;
}

/**
 * A spinner only on a terminal whose width is known: ora computes the lines to clear as
 * `width / columns`, and a pty that reports 0 columns (`script`, some CI wrappers,
 * `docker run -t`) makes that Infinity and its clear() loop forever, with no timer or
 * signal handler able to run. Anywhere else, one plain line per phase; nothing under --json.
 */
export function spinnerFits(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && Number.isInteger(stream.columns) && stream.columns > 0;
}

/**
 * The stream as ora sees it: a terminal resized to 0 columns while the spinner runs reads
 * as 80 wide, so no later frame can compute an endless number of lines to clear.
 */
export function withKnownWidth(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'columns') return spinnerFits(target) ? target.columns : 80;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export async function progressFor(options: { json?: boolean; color?: boolean }, stream: NodeJS.WriteStream = process.stderr): Promise<ProgressOutput> {
  if (options.json) return { progress: { phase() {}, tick() {} }, stop() {} };
  if (!spinnerFits(stream)) {
    let last = '';
    return {
      progress: {
        phase(text) {
          if (text === last) return;
          last = text;
          stream.write(`devcap: ${text}\n`);
        },
        tick() {},
      },
      stop() {},
    };
  }
  const { default: ora } = await import('ora');
  const spinner = ora({ stream: withKnownWidth(stream), color: 'cyan', isEnabled: options.color !== false }).start();
  let phase = '';
  return {
    progress: {
      phase(text) {
        phase = text;
        spinner.text = text;
      },
      tick(text) {
        spinner.text = `${phase} · ${text}`;
      },
    },
    stop: () => spinner.stop(),
  };
}
