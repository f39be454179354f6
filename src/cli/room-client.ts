/**
 * `--room <url> --name <display name>` on `lab` and `check`: the learner opts in, per
 * command, to send the result JSON and a name they choose to an instructor's `devcap room`.
 * Nothing else goes: not their code, not their environment beyond what the result holds.
 * The rules a name must follow live here, shared with the room, which checks them again.
 */
import { BadOption, BadRoom, UsageError } from '../errors.js';
import { unresolvable } from '../infra/names.js';
import type { LabResult } from '../report/result.js';

/** The longest display name, in characters. */
export const NAME_MAX = 40;

/** What a learner sends: their name, what ran, the result; for a check, its outcome. */
export interface RoomSubmission {
  name: string;
  kind: 'lab' | 'check';
  check?: { passed: boolean; status: 'passed' | 'not yet' | 'not yet decided' | 'invalid' };
  /** `lab --predict`: how many of the learner's guesses the measurement bore out. */
  predictions?: { right: number; asked: number };
  result: LabResult;
}

/**
 * Why a display name cannot be shown, or null. Any printable text, HTML included (it is
 * escaped wherever it appears), but no control characters, which would rewrite a terminal,
 * and no bidirectional overrides, which would make a name read as another.
 */
export function nameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return 'a display name is required';
  const trimmed = name.trim();
  if (!trimmed) return 'a display name is required';
  if ([...trimmed].length > NAME_MAX) return `a display name has at most ${NAME_MAX} characters`;
  if (/[\p{Cc}\u202a-\u202e\u2066-\u2069\u200e\u200f]/u.test(trimmed)) return 'a display name cannot hold control or direction characters';
  return null;
}

/** The room's URL as its join line prints it, `http://host:port/join/CODE`: where to post and the code it carries. */
export function roomTarget(url: string): { resultsUrl: string; code: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadRoom(`--room ${url}: not a URL; give the one the room printed, e.g. http://192.168.1.20:7420/join/K7QF2M`);
  }
  const match = /^\/join\/([A-Za-z0-9]{4,32})\/?$/.exec(parsed.pathname);
  if (!['http:', 'https:'].includes(parsed.protocol) || !match) {
    throw new BadRoom(`--room ${url}: give the URL the room printed, with its code: http(s)://host:port/join/CODE`);
  }
  return { resultsUrl: new URL(`/join/${match[1]}/results`, parsed).href, code: match[1]! };
}

/** `--room` and `--name` checked before anything runs. */
export function roomOptions(options: { room?: string; name?: string }): { resultsUrl: string; name: string } | undefined {
  if (options.room === undefined) {
    if (options.name !== undefined) throw new BadOption('--name is the name a room shows: it goes with --room <url>');
    return undefined;
  }
  const { resultsUrl } = roomTarget(options.room);
  const problem = nameProblem(options.name);
  if (problem) throw new UsageError('DEVCAP_BAD_NAME', `--room needs --name "the name the room shows": ${problem}`);
  return { resultsUrl, name: options.name!.trim() };
}

/** `roomOptions`, and the room's host looked up now: a name that does not resolve would only fail after the run. */
export async function checkedRoom(options: { room?: string; name?: string }): Promise<{ resultsUrl: string; name: string } | undefined> {
  const room = roomOptions(options);
  if (!room) return undefined;
  const host = new URL(room.resultsUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  const why = await unresolvable(host);
  if (why) throw new BadRoom(`--room ${options.room}: ${host} is not an address or a name this machine resolves (${why}); give the URL the room printed`);
  return room;
}

/**
 * Sends one result. A room that is down or refuses costs a line on stderr, never the
 * result (already printed) nor the exit code: the run measured what it measured.
 */
export async function sendToRoom(room: { resultsUrl: string; name: string }, submission: Omit<RoomSubmission, 'name'>, quiet: boolean): Promise<void> {
  const what = submission.kind === 'check' ? `the check of lab ${submission.result.lab.day}` : `lab ${submission.result.lab.day}'s result`;
  try {
    const response = await fetch(room.resultsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...submission, name: room.name }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      const reason = (await response.text()).trim().slice(0, 300);
      process.stderr.write(`devcap: DEVCAP_ROOM_REFUSED: the room refused ${what} (${response.status}: ${reason})\n`);
      return;
    }
    if (!quiet) process.stderr.write(`devcap: sent ${what} to the room as "${room.name}"\n`);
  } catch (error) {
    process.stderr.write(`devcap: DEVCAP_ROOM_UNREACHABLE: could not send ${what} to ${room.resultsUrl} (${(error as Error).message})\n`);
  }
}
