/**
 * What the services need from whoever runs them: a way to start a Node program that devcap
 * owns (stopped on every exit path, SIGKILL included), and to hand over a child spawned here
 * (redis-server, postgres). The harness passes its own; infra imports nothing of the harness, so
 * imports run one way: cli → harness → infra, report, lab.
 */
import type { ChildProcess } from 'node:child_process';

export interface OwnedProcess {
  port: number;
  stop(): Promise<void>;
}

export interface ProcessHost {
  /** Starts `node file` with the probe, ready once it has announced its port and `readyPath` answers 200. */
  startNode(options: { name: string; file: string; env: Record<string, string>; readyPath: string }): Promise<OwnedProcess>;
  /** Owns a child started here; `signatures` are the command lines a later sweep may recognise it by. */
  own(child: ChildProcess, name: string, signatures?: string[]): () => Promise<void>;
  /**
   * Owns the run's keys in a Redis devcap did not start (`--redis-url`): `release` deletes
   * them on a normal end and on Ctrl-C; if devcap is killed outright, the watchdog does.
   */
  ownKeys(url: string, keyPrefix: string, release: () => Promise<void>): () => Promise<void>;
  /** Owns a directory made here (`devcap-*` under the temp dir, e.g. PostgreSQL's data): removed on every exit path. */
  ownDir(dir: string): () => Promise<void>;
}
