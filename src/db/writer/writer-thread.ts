// The group-commit writer (./group-commit.ts) on a thread of its own, with its own connection to the same
// file, so a flood's SQLite work runs on another core while this thread parses, validates and quotes.
// Same contract: write() resolves only after its batch's COMMIT. See docs/internals.md#writer-thread.
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { startWorker } from '../../threads/start-worker.js';
import type { RequestWriter, WriteCommand, WriteResult } from './group-commit.js';

export interface WriterThreadSetup {
  databasePath: string;
  messageIdDomain: string;
}

export type WriterMessage = { type: 'write'; id: number; command: WriteCommand; now: number } | { type: 'close' };
/** An error as it crosses from the thread: what the log and the callers need of it. */
export interface ThreadError {
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
function rebuild(threadError: ThreadError): Error {
  const { name, message, stack, code } = threadError;
  const error = Object.assign(new Error(message), code === undefined ? {} : { code });
  error.name = name;
  if (stack) error.stack = stack;
  return error;
}

export function requestWriterThread(setup: WriterThreadSetup, logger?: Logger): RequestWriter {
  const pending = new Map<number, Pending>();
  let lastId = 0;
  let worker: Worker | undefined;
  let closing: Promise<void> | undefined;
  let drained: (() => void) | undefined;
  let started: Promise<void> = Promise.resolve();

  const settle = (id: number, outcome: (waiting: Pending) => void) => {
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    outcome(waiting);
    // Idle, the thread does not keep the process alive (the HTTP server does, while it runs).
    if (!pending.size) {
      worker?.unref();
      drained?.();
    }
  };
  const failAll = (error: Error) => {
    for (const id of [...pending.keys()]) settle(id, (waiting) => waiting.reject(error));
  };

  function start(): Worker {
    const thread = startWorker(import.meta.url, 'thread-entry', setup);
    let opened: () => void = () => {};
    let failed: (error: Error) => void = () => {};
    started = new Promise<void>((resolve, reject) => ((opened = resolve), (failed = reject)));
    started.catch(() => undefined); // heard through ready() or the writes' own rejections
    thread.on('message', (replies: WriteReply[] | 'ready') => {
      if (replies === 'ready') {
        opened();
        if (!pending.size) thread.unref();
        return;
      }
      for (const reply of replies) {
        settle(reply.id, (waiting) =>
          reply.ok ? waiting.resolve(reply.result) : waiting.reject(rebuild(reply.error)),
        );
      }
    });
    // If the thread dies, its callers hear so (a 500); the next write starts a new one. A
    // batch that had committed before the thread died is stored: the same as a process crash.
    thread.on('error', (error) => {
      logger?.error({ err: error }, 'request writer thread failed');
      failed(error);
      failAll(error);
    });
    thread.on('exit', (code) => {
      const stopped = new Error(`The request writer thread stopped (exit code ${code}).`);
      if (worker === thread) worker = undefined;
      if (code !== 0) logger?.error({ code }, 'request writer thread stopped');
      failed(stopped);
      failAll(stopped);
    });
    return thread;
  }

  return {
    ready(): Promise<void> {
      if (closing) return Promise.reject(new Error('The request writer is closed.'));
      worker ??= start();
      return started;
    },
    write(command: WriteCommand, now: Date): Promise<WriteResult> {
      if (closing) return Promise.reject(new Error('The request writer is closed.'));
      const thread = (worker ??= start());
      const id = ++lastId;
      if (!pending.size) thread.ref();
      return new Promise<WriteResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        try {
          thread.postMessage({ type: 'write', id, command, now: now.getTime() } satisfies WriterMessage);
        } catch (error) {
          settle(id, (waiting) => waiting.reject(error as Error));
        }
      });
    },
    waiting: () => pending.size,
    /** Waits for the writes in flight, then closes the thread's connection and ends the thread. */
    close(): Promise<void> {
      closing ??= (async () => {
        if (pending.size) await new Promise<void>((resolve) => (drained = resolve));
        const thread = worker;
        if (!thread) return;
        const exited = once(thread, 'exit');
        thread.ref(); // until it has ended
        thread.postMessage({ type: 'close' } satisfies WriterMessage);
        await exited;
      })();
      return closing;
    },
  };
}
