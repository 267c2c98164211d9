// The group-commit writer (./group-commit.ts) on a thread of its own, with its own
// connection to the same file. Under a flood of submissions, a submission's SQLite
// work (the request, its articles, the search row, two outbox rows, their indexes, the
// COMMIT) was ~40 % of the main thread's time; on this thread it runs on another core
// while the main thread parses, validates and quotes the next requests.
//
// The contract is the in-thread writer's: write() resolves only after the COMMIT of
// the batch that carried the request has returned. The main thread's own writes take
// the same SQLite write lock. The outbox worker's, the frequent ones, wait for it on a
// timer (writeTransactionWhenFree in connection.ts); the rare others (sign-in, the
// desk's actions) may wait in SQLite's busy handler while a batch commits, which blocks
// the event loop meanwhile (SQLite sleeps 1, 2, 5… ms between tries).
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { startWorker } from '../../threads/start-worker.js';
import type { RequestWriter, WriteCommand, WriteResult } from './group-commit.js';

export interface WriterThreadSetup {
  databasePath: string;
  messageIdDomain: string;
}

export type WriterMessage = { type: 'write'; id: number; cmd: WriteCommand; now: number } | { type: 'close' };
/** An error as it crosses from the thread: what the log and the callers need of it. */
interface ThreadError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}
export type WriteReply = { id: number; ok: true; result: WriteResult } | { id: number; ok: false; error: ThreadError };

interface Pending {
  resolve: (result: WriteResult) => void;
  reject: (error: Error) => void;
}

/** Rebuilds the thread's error here: its class name, message, SQLite code and stack, for the log. */
function rebuild(e: ThreadError): Error {
  const error = Object.assign(new Error(e.message), e.code === undefined ? {} : { code: e.code });
  error.name = e.name;
  if (e.stack) error.stack = e.stack;
  return error;
}

export function requestWriterThread(setup: WriterThreadSetup, logger?: Logger): RequestWriter {
  const pending = new Map<number, Pending>();
  let seq = 0;
  let worker: Worker | undefined;
  let closing: Promise<void> | undefined;
  let drained: (() => void) | undefined;
  let started: Promise<void> = Promise.resolve();

  const settle = (id: number, outcome: (p: Pending) => void) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    outcome(p);
    // Idle, the thread does not keep the process alive (the HTTP server does, while it runs).
    if (!pending.size) {
      worker?.unref();
      drained?.();
    }
  };
  const failAll = (error: Error) => {
    for (const id of [...pending.keys()]) settle(id, (p) => p.reject(error));
  };

  function start(): Worker {
    const w = startWorker(import.meta.url, 'thread-entry', setup);
    let opened: () => void = () => {};
    let failed: (error: Error) => void = () => {};
    started = new Promise<void>((resolve, reject) => ((opened = resolve), (failed = reject)));
    started.catch(() => undefined); // heard through ready() or the writes' own rejections
    w.on('message', (replies: WriteReply[] | 'ready') => {
      if (replies === 'ready') {
        opened();
        if (!pending.size) w.unref();
        return;
      }
      for (const r of replies) {
        settle(r.id, (p) => (r.ok ? p.resolve(r.result) : p.reject(rebuild(r.error))));
      }
    });
    // If the thread dies, its callers hear so (a 500); the next write starts a new one. A
    // batch that had committed before the thread died is stored: the same as a process crash.
    w.on('error', (error) => {
      logger?.error({ err: error }, 'request writer thread failed');
      failed(error);
      failAll(error);
    });
    w.on('exit', (code) => {
      const stopped = new Error(`The request writer thread stopped (exit code ${code}).`);
      if (worker === w) worker = undefined;
      if (code !== 0) logger?.error({ code }, 'request writer thread stopped');
      failed(stopped);
      failAll(stopped);
    });
    return w;
  }

  return {
    ready(): Promise<void> {
      if (closing) return Promise.reject(new Error('The request writer is closed.'));
      worker ??= start();
      return started;
    },
    write(cmd: WriteCommand, now: Date): Promise<WriteResult> {
      if (closing) return Promise.reject(new Error('The request writer is closed.'));
      const w = (worker ??= start());
      const id = ++seq;
      if (!pending.size) w.ref();
      return new Promise<WriteResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        try {
          w.postMessage({ type: 'write', id, cmd, now: now.getTime() } satisfies WriterMessage);
        } catch (error) {
          settle(id, (p) => p.reject(error as Error));
        }
      });
    },
    waiting: () => pending.size,
    /** Waits for the writes in flight, then closes the thread's connection and ends the thread. */
    close(): Promise<void> {
      closing ??= (async () => {
        if (pending.size) await new Promise<void>((resolve) => (drained = resolve));
        const w = worker;
        if (!w) return;
        const exited = once(w, 'exit');
        w.ref(); // until it has ended
        w.postMessage({ type: 'close' } satisfies WriterMessage);
        await exited;
      })();
      return closing;
    },
  };
}
