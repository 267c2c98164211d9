// A worker thread that reads export chunks on its own read-only connection (./chunks.ts). It says 'ready'
// once loaded; on 'begin' it takes its read snapshot, raises the shared flag (the main thread may be
// waiting on it outside its event loop) and says 'begun'; then it answers each chunk asked for, in order.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { chunkReader, openExportConnection } from '../db/repos/export-queries.js';
import {
  SNAPSHOT_FAILED,
  SNAPSHOT_TAKEN,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSetup,
} from './chunk-protocol.js';

const setup = workerData as WorkerSetup;
const db = openExportConnection(setup.databasePath);
const read = chunkReader(db, setup.line, setup.separator, setup.filters);
const port = parentPort!;

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'begin') {
    // A WAL reader's snapshot starts at its first read: take it now, while the writers are held off.
    let result = SNAPSHOT_FAILED;
    try {
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM (SELECT 1 FROM requests LIMIT 1)').get();
      result = SNAPSHOT_TAKEN;
    } finally {
      Atomics.store(message.flag, 0, result);
      Atomics.notify(message.flag, 0);
      port.postMessage({ type: 'begun' } satisfies WorkerReply);
    }
    // Only once the snapshot is taken: on Linux this sets the niceness of this thread alone.
    if (setup.nice > 0) {
      try {
        os.setPriority(setup.nice);
      } catch {
        // Not allowed here: the export still works, at normal priority.
      }
    }
    return;
  }
  const chunk = read(message.after, message.upTo);
  // The blob's memory moves to the main thread rather than being copied (when it owns it whole).
  const { buffer, byteOffset, byteLength } = chunk.bytes;
  const movable = byteOffset === 0 && buffer.byteLength === byteLength && buffer instanceof ArrayBuffer;
  port.postMessage({ type: 'chunk', index: message.index, ...chunk } satisfies WorkerReply, movable ? [buffer] : []);
});
port.on('close', () => db.close());
port.postMessage({ type: 'ready' } satisfies WorkerReply);
