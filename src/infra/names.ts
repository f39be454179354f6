/**
 * A host name given by the user (`serve --host`, the host of `--redis-url`), looked up the way
 * the program that will use it looks it up (dns.lookup, i.e. getaddrinfo), before anything
 * starts: a name that does not resolve is bad input, not a service that dies later.
 */
import { lookup } from 'node:dns/promises';

/** How long a name may take to resolve before it is refused (a resolver that does not answer). */
export const LOOKUP_TIMEOUT_MS = 3000;

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
