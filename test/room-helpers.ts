import { request } from 'node:http';
import { runCli } from './run-cli.js';

/** `devcap room --port 0` started as a user would, with its page's base URL and join URL read from its join line. */
export async function startRoomCli(stateDir: string, args: string[] = []) {
  const run = runCli(['room', '--port', '0', ...args], { env: { DEVCAP_STATE_DIR: stateDir } });
  let stdout = '';
  const join = await new Promise<string>((resolve, reject) => {
    run.child.stdout!.on('data', (text: Buffer) => {
      stdout += text.toString();
      const match = /--room (http:\/\/127\.0\.0\.1:\d+\/join\/[A-Z0-9]+) /.exec(stdout);
      if (match) resolve(match[1]!);
    });
    run.child.on('exit', () => reject(new Error(`devcap room ended: ${stdout}`)));
  });
  const base = join.replace(/\/join\/.*$/, '');
  return {
    run,
    base,
    join,
    code: join.split('/').at(-1)!,
    output: () => stdout,
    async stop() {
      run.child.kill('SIGINT');
      return run;
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request (no URL normalising: the path goes as written), from a chosen loopback address. */
export function send(base: string, method: string, path: string, options: { body?: string | Buffer; headers?: Record<string, string>; from?: string } = {}): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers: options.headers, agent: false, localAddress: options.from }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export function postJson(join: string, payload: unknown, from?: string): Promise<Answer> {
  const { pathname } = new URL(join);
  return send(join, 'POST', `${pathname}/results`, { body: JSON.stringify(payload), headers: { 'content-type': 'application/json' }, from });
}
