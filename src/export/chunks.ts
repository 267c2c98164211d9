// Where an export's chunks come from: read here chunk after chunk when small; when large, by a worker
// thread alone (inside the service, so its event loop stays free) or by a worker and this thread together
// (a process of its own). All rows come from one snapshot. See docs/internals.md#export-threads.
import os from 'node:os';
import { startWorker } from '../threads/start-worker.js';
import { openDatabase, type Db } from '../db/connection.js';
import { chunkBounds, chunkReader, idRange, type Chunk } from '../db/repos/export-queries.js';
import { SNAPSHOT_TAKEN, type WorkerReply, type WorkerRequest, type WorkerSetup } from './chunk-protocol.js';

/** Below this many ids, starting threads costs more than it saves. */
const PARALLEL_MIN_IDS = 20_000;
/** Chunks the worker may read ahead of the writer: bounds memory at ~4 × 120 kB. */
const AHEAD = 4;
/** How long writers may be held off while the worker takes its snapshot (it takes well under 1 ms). */
const SNAPSHOT_WAIT_MS = 2000;

/** A snapshot that has been taken, and the chunks read from it. */
export interface ChunkSource {
  chunks(): AsyncGenerator<Chunk>;
  close(): Promise<void>;
}

const takeSnapshot = (db: Db) => {
  db.exec('BEGIN');
  db.prepare('SELECT count(*) FROM (SELECT 1 FROM requests LIMIT 1)').get();
};

/** The chunks' id ranges, in order, and the reader of one, on `db`'s snapshot. */
function chunkPlan(db: Db, setup: WorkerSetup) {
  const range = idRange(db, setup.filters);
  return {
    bounds: range ? [...chunkBounds(range)] : [],
    read: chunkReader(db, setup.line, setup.separator, setup.filters),
  };
}

/** Who reads the chunks: this thread, a worker thread (this one only moves bytes), or both (the fastest). */
export type ChunkReaders = 'main' | 'worker' | 'both';

/** Small exports are read here; large ones as `large` says (where the machine has a second core). */
export function chooseReaders(db: Db, large: ChunkReaders): ChunkReaders {
  const span = db.prepare('SELECT coalesce(max(id) - min(id), 0) FROM requests').pluck().get() as number;
  return span >= PARALLEL_MIN_IDS && os.availableParallelism() > 1 ? large : 'main';
}

/** Begins the read snapshot of `db` (and of the worker, if one reads); `db` must not be in a transaction. */
export async function openChunks(db: Db, setup: WorkerSetup, readers: ChunkReaders): Promise<ChunkSource> {
  if (readers !== 'main') {
    const parallel = await openWorker(db, setup, readers === 'both');
    if (parallel) return parallel;
  }
  takeSnapshot(db);
  const { bounds, read } = chunkPlan(db, setup);
  return {
    async *chunks() {
      for (const [after, upTo] of bounds) yield read(after, upTo);
    },
    close: async () => undefined,
  };
}

/** A connection holding the write lock (it never writes), or undefined when that cannot be had at once. */
function holdWriters(databasePath: string): Db | undefined {
  let fence: Db | undefined;
  try {
    fence = openDatabase(databasePath);
    fence.pragma('busy_timeout = 0');
    fence.exec('BEGIN IMMEDIATE');
    return fence;
  } catch {
    fence?.close();
    return undefined;
  }
}

/**
 * A worker thread reads every chunk, or (`shared`) the odd ones while this thread reads the even ones.
 * Shared, both snapshots are taken under the write lock, without returning to the event loop meanwhile;
 * undefined (read here instead) when that lock is busy. See docs/internals.md#export-snapshot.
 */
async function openWorker(db: Db, setup: WorkerSetup, shared: boolean): Promise<ChunkSource | undefined> {
  const worker = startWorker(import.meta.url, 'chunk-worker', setup);
  const arrived = new Map<number, Chunk>();
  let ready = false;
  let begun = false;
  let failure: Error | undefined;
  let wake = () => {};
  worker.on('message', (reply: WorkerReply) => {
    if (reply.type === 'chunk') arrived.set(reply.index, reply);
    else if (reply.type === 'ready') ready = true;
    else begun = true;
    wake();
  });
  const fail = (error: Error) => {
    failure ??= error;
    wake();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`The export's reading thread stopped (exit code ${code}).`)));
  /** Waits for the worker until `done()` holds; throws if the worker failed first. */
  const until = async (done: () => boolean) => {
    while (!done()) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  const stop = () => worker.terminate().then(() => undefined);

  try {
    await until(() => ready); // loaded, database open
    const fence = shared ? holdWriters(setup.databasePath) : undefined;
    if (shared && !fence) {
      await stop();
      return undefined;
    }
    try {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      worker.postMessage({ type: 'begin', flag } satisfies WorkerRequest);
      if (fence) Atomics.wait(flag, 0, 0, SNAPSHOT_WAIT_MS);
      else await until(() => begun);
      if (Atomics.load(flag, 0) !== SNAPSHOT_TAKEN) throw new Error('The export could not start its snapshot.');
      takeSnapshot(db);
    } finally {
      fence?.exec('ROLLBACK');
      fence?.close();
    }

    const { bounds, read } = chunkPlan(db, setup);
    return {
      async *chunks() {
        const step = shared ? 2 : 1; // shared: the worker reads the odd chunks
        let asked = shared ? 1 : 0;
        for (let next = 0; next < bounds.length; next++) {
          for (; asked < bounds.length && asked <= next + step * AHEAD; asked += step) {
            const [after, upTo] = bounds[asked];
            worker.postMessage({ type: 'chunk', index: asked, after, upTo } satisfies WorkerRequest);
          }
          if (shared && next % 2 === 0) {
            yield read(...bounds[next]);
            continue;
          }
          await until(() => arrived.has(next));
          const chunk = arrived.get(next)!;
          arrived.delete(next);
          yield chunk;
        }
      },
      close: stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
