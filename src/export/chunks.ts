// Where an export's chunks come from. Each chunk is a range of ids, so chunks split
// between threads without coordination: a large export on a machine with more than
// one core is read by a worker thread (src/export/chunk-worker.ts) — alone inside the
// service, so its event loop stays free, or together with this thread in a process of
// its own — and put back in order here; a small one is read here, chunk after chunk.
//
// Every connection must read the same snapshot, or a request changed mid-export could
// appear in one state in one chunk and in another elsewhere. WAL readers take their
// snapshot at their first read, so they all take it while a momentary write lock
// (BEGIN IMMEDIATE on a connection that never writes) holds writers off; the lock is
// released before any row is read. Where that lock cannot be had (a read-only copy of
// the database) or the worker does not answer, the export reads in this thread alone.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { openDatabase, type Db } from '../db/connection.js';
import { chunkBounds, chunkReader, idRange, type Chunk } from '../db/repos/export-queries.js';
import { SNAPSHOT_TAKEN, type WorkerReply, type WorkerRequest, type WorkerSetup } from './chunk-protocol.js';

/** Below this many ids, starting threads costs more than it saves. */
const PARALLEL_MIN_IDS = 20_000;
/** Chunks the worker may read ahead of the writer: bounds memory at ~4 × 120 kB. */
const AHEAD = 4;
/** How long writers may be held off while the worker takes its snapshot (it takes well under 1 ms). */
const SNAPSHOT_WAIT_MS = 2000;

function startWorker(setup: WorkerSetup): Worker {
  // Built, the worker is the .js beside this file. From source (tests, tsx), it is the .ts, and a
  // worker thread does not inherit tsx's loader: a two-line script registers it first.
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./chunk-worker.js', import.meta.url), { workerData: setup });
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const file = JSON.stringify(new URL('./chunk-worker.ts', import.meta.url).href);
  const boot = `import(${api}).then(({ register }) => { register(); return import(${file}); });`;
  return new Worker(boot, { eval: true, workerData: setup });
}

/** A snapshot that has been taken, and the chunks read from it. */
export interface ChunkSource {
  chunks(): AsyncGenerator<Chunk>;
  close(): Promise<void>;
}

const takeSnapshot = (db: Db) => {
  db.exec('BEGIN');
  db.prepare('SELECT count(*) FROM (SELECT 1 FROM requests LIMIT 1)').get();
};

/**
 * Which threads read the chunks: this one ('main'), a worker thread ('worker': this thread
 * only moves bytes, so a service keeps answering requests meanwhile), or both at once
 * ('both': the fastest, for a process of its own such as `reprise export`).
 */
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
  const range = idRange(db, setup.filters);
  const read = chunkReader(db, setup.line, setup.separator, setup.filters);
  return {
    async *chunks() {
      if (range) for (const [after, upTo] of chunkBounds(range)) yield read(after, upTo);
    },
    close: async () => undefined,
  };
}

/** A connection holding the write lock (it never writes), or undefined where it cannot be had. */
function holdWriters(databasePath: string): Db | undefined {
  let fence: Db | undefined;
  try {
    fence = openDatabase(databasePath);
    fence.exec('BEGIN IMMEDIATE');
    return fence;
  } catch {
    fence?.close();
    return undefined;
  }
}

/**
 * A worker thread reads every chunk, or (`shared`) the odd ones while this thread reads the
 * even ones: two cores at work for one extra thread (each costs ~14 MB, so not two workers).
 *
 * While the write lock is held, this thread never returns to its event loop: in the service,
 * a submission in between would wait for the lock synchronously, and the lock could never be
 * released. So the worker is started first, and its snapshot is awaited with Atomics.wait.
 */
async function openWorker(db: Db, setup: WorkerSetup, shared: boolean): Promise<ChunkSource | undefined> {
  const worker = startWorker(setup);
  const arrived = new Map<number, Chunk>();
  let failure: Error | undefined;
  let wake = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'chunk') arrived.set(reply.index, reply);
      else resolve();
      wake();
    });
  });
  worker.on('error', (err) => {
    failure = err;
    wake();
  });
  const stop = () => worker.terminate().then(() => undefined);
  try {
    await ready;
  } catch (err) {
    await stop();
    throw err;
  }

  const fence = holdWriters(setup.databasePath);
  if (!fence) {
    await stop();
    return undefined;
  }
  let taken = false;
  try {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    worker.postMessage({ type: 'begin', flag } satisfies WorkerRequest);
    Atomics.wait(flag, 0, 0, SNAPSHOT_WAIT_MS);
    if (Atomics.load(flag, 0) === SNAPSHOT_TAKEN) {
      takeSnapshot(db);
      taken = true;
    }
  } finally {
    fence.exec('ROLLBACK');
    fence.close();
  }
  if (!taken) {
    await stop();
    return undefined;
  }

  const range = idRange(db, setup.filters);
  const bounds = range ? [...chunkBounds(range)] : [];
  const read = chunkReader(db, setup.line, setup.separator, setup.filters);
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
        while (!arrived.has(next)) {
          if (failure) throw failure;
          await new Promise<void>((resolve) => (wake = resolve));
        }
        const chunk = arrived.get(next)!;
        arrived.delete(next);
        yield chunk;
      }
    },
    close: stop,
  };
}
