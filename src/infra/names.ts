/**
 * A host name given by the user (`serve --host`, the host of `--redis-url`), looked up the way
 * the program that will use it looks it up (dns.lookup, i.e. getaddrinfo), before anything
 * starts: a name that does not resolve is bad input, not a service that dies later.
 */
import { lookup } from 'node:dns/promises';
import { BadHost } from '../errors.js';

/** How long a name may take to resolve before it is refused (a resolver that does not answer). */
export const LOOKUP_TIMEOUT_MS = 3000;

/**
 * `--host` for a server devcap starts (serve, room): an address or a name this machine
 * resolves; throws DEVCAP_BAD_HOST (exit 2) otherwise. An empty one would listen on every
 * interface (and node warns it is deprecated).
 */
export async function checkHost(host: string): Promise<void> {
  if (!host.trim()) throw new BadHost('--host takes an address or a name, e.g. --host 127.0.0.1 or --host 0.0.0.0 (got "")');
  const why = await unresolvable(host);
  if (why) throw new BadHost(`--host ${host} is not an address or a name this machine resolves (${why}); e.g. --host 127.0.0.1 or --host 0.0.0.0`);
}

/** Why `name` does not resolve here, in a few words; null when it does. */
export async function unresolvable(name: string, timeoutMs = LOOKUP_TIMEOUT_MS): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer in ${timeoutMs / 1000} s`), timeoutMs);
  });
  try {
    return await Promise.race([
      lookup(name).then(
        () => null,
        (error: NodeJS.ErrnoException) => (error.code === 'ENOTFOUND' || error.code === 'EAI_NONAME' ? 'no such name' : (error.code ?? error.message)),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
