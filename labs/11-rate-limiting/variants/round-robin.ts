// Two instances of the API (INSTANCE=memory-store or redis-store) behind a round-robin
// proxy, as a load balancer runs them: each request goes to the next instance. Whatever
// an instance keeps in its own memory, a client now meets twice.
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import { serve } from 'devcap/serve';

const instanceFile = new URL(`./${process.env.INSTANCE}.js`, import.meta.url);
const children: ChildProcess[] = [];

// Whatever ends the proxy, even while it is still starting, ends its instances too.
const stopChildren = () => children.forEach((child) => child.kill());
process.on('exit', stopChildren);
process.once('SIGTERM', stopChildren);
process.once('SIGINT', stopChildren);

/** Starts one instance; it announces its port over IPC, as every devcap server does. */
function startInstance(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(instanceFile, { execArgv: [] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ child, port: message.port }));
    child.once('exit', (code, signal) => reject(new Error(`instance ${process.env.INSTANCE} exited (${code ?? signal})`)));
  });
}

const instances = await Promise.all([startInstance(), startInstance()]);

const agent = new Agent({ keepAlive: true });
let next = 0;

const proxy = createServer((req, res) => {
  const { port } = instances[next++ % instances.length]!;
  // Tell the instance who the client is, the way nginx's $proxy_add_x_forwarded_for does.
  const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  const upstream = request(
    { host: '127.0.0.1', port, method: req.method, path: req.url, agent, headers: { ...req.headers, 'x-forwarded-for': forwardedFor } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
});

function stopInstance(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

serve(proxy, async () => {
  agent.destroy();
  await Promise.all(instances.map(({ child }) => stopInstance(child)));
});
