/**
 * `devcap room`: prints the join line, serves the room until Ctrl-C, and keeps every result
 * in `<state dir>/room/results.jsonl`; `--export <file>` writes them out as JSON Lines.
 */
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { BadOption, ExitCode, UsageError } from '../errors.js';
import { whyNot } from '../harness/folders.js';
import { prepareStateDir, stateDir } from '../harness/ownership.js';
import { checkHost } from '../infra/names.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE_PER_MINUTE, readEntries, startRoom } from './room-server.js';

export interface RoomCommandOptions {
  port?: number;
  host?: string;
  code?: string;
  rate?: number;
  export?: string;
}

export const DEFAULT_ROOM_PORT = 7420;
/** No 0/O or 1/I/L: a code read off a projector is typed right. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function roomFiles(dir = stateDir()): { results: string; code: string } {
  return { results: join(dir, 'room', 'results.jsonl'), code: join(dir, 'room', 'code') };
}

/** The room's code: --code, else the one kept from the last start (so the join URL survives a restart), else a new one. */
function roomCode(given: string | undefined, file: string): string {
  if (given !== undefined) {
    if (!/^[A-Za-z0-9]{4,32}$/.test(given)) throw new BadOption('--code takes 4 to 32 letters and digits');
    return given.toUpperCase();
  }
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (/^[A-Z0-9]{4,32}$/.test(kept)) return kept;
  }
  const code = Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  writeFileSync(file, code + '\n');
  return code;
}

/** Where learners can reach the room: the host given, or for 0.0.0.0 each of this machine's IPv4 addresses. */
function reachableHosts(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host.includes(':') ? `[${host}]` : host];
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((address) => address && address.family === 'IPv4' && !address.internal)
    .map((address) => address!.address);
  return addresses.length ? addresses : ['127.0.0.1'];
}

export async function roomCommand(options: RoomCommandOptions): Promise<number> {
  const files = roomFiles();
  if (options.export !== undefined) {
    const { entries, skipped } = readEntries(files.results);
    const text = entries.map((entry) => JSON.stringify(entry) + '\n').join('');
    if (options.export === '-') process.stdout.write(text);
    else {
      try {
        writeFileSync(resolve(options.export), text);
      } catch (error) {
        throw new UsageError('DEVCAP_BAD_EXPORT', `--export ${options.export}: cannot write there (${whyNot(error, resolve(options.export))})`);
      }
    }
    process.stderr.write(`devcap room: exported ${entries.length} result${entries.length === 1 ? '' : 's'}${options.export === '-' ? '' : ` to ${resolve(options.export)}`}${skipped ? ` (${skipped} unreadable line${skipped === 1 ? '' : 's'} of ${files.results} left out)` : ''}\n`);
    return ExitCode.ok;
  }
  const host = options.host ?? '127.0.0.1';
  // Before the code is chosen or anything listens: a host that is not one, and a state directory that cannot be made.
  await checkHost(host);
  prepareStateDir('room');
  const code = roomCode(options.code, files.code);
  const room = await startRoom({
    port: options.port ?? DEFAULT_ROOM_PORT,
    host,
    code,
    file: files.results,
    ratePerMinute: options.rate ?? DEFAULT_RATE_PER_MINUTE,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    onEntry(summary) {
      // JSON.stringify quotes the name: whatever it holds prints as one plain string.
      const what = summary.kind === 'check' ? `the check of lab ${summary.lab.day}: ${summary.check!.status}` : `lab ${summary.lab.day}: ${summary.outcome}`;
      process.stdout.write(`devcap room: #${summary.seq} ${JSON.stringify(summary.name)} sent ${what}\n`);
    },
  });
  const bases = reachableHosts(host).map((name) => `http://${name}:${room.port}`);
  const lines = [
    `devcap room ${code}: ${room.count()} result${room.count() === 1 ? '' : 's'} kept in ${files.results}`,
    `the class's page: ${bases[0]}/   (project it; it updates as results arrive)`,
    'learners join with:',
    ...bases.flatMap((base) => [`  devcap lab 2 --room ${base}/join/${code} --name "your name"`]),
    `  devcap check 2 02-event-loop.ts --room ${bases[0]}/join/${code} --name "your name"`,
    host === '127.0.0.1' ? 'only this machine can reach it: add --host 0.0.0.0 to let a classroom network in' : `listening on ${host}: anyone on this network with the code can send a result`,
    'Ctrl-C closes the room; the results stay for the next devcap room (and --export).',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return new Promise<number>((done) => {
    const close = (signal: NodeJS.Signals) => {
      void room.close().finally(() => {
        process.stdout.write(`devcap room: closed; ${room.count()} results kept in ${files.results}\n`);
        done(signal === 'SIGINT' ? ExitCode.ok : 128 + (signal === 'SIGTERM' ? 15 : 1));
      });
    };
    process.once('SIGINT', close);
    process.once('SIGTERM', close);
    process.once('SIGHUP', close);
  });
}
