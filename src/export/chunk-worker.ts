// A worker thread that reads export chunks on its own read-only connection, so two
// cores build rows at once (src/export/chunks.ts). It says 'ready' once loaded; on
// 'begin' it takes its read snapshot, raises the shared flag (the main thread may wait
// on it without returning to its event loop) and says 'begun'; then it answers one
// message per chunk asked for, in the order asked.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { chunkReader, openExportConnection } from '../db/repos/export-queries.js';
import { SNAPSHOT_FAILED, SNAPSHOT_TAKEN, type WorkerReply, type WorkerRequest, type WorkerSetup } from './chunk-protocol.js';

const setup = workerData as WorkerSetup;
const db = openExportConnection(setup.databasePath);
const read = chunkReader(db, setup.line, setup.separator, setup.filters);
const port = parentPort!;

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'begin') {
    // A WAL reader's snapshot starts at its first read: take it now, while the writers are held off.
    let result = SNAPSHOT_FAILED;
    try {
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM (SELECT 1 FROM requests LIMIT 1)').get();
      result = SNAPSHOT_TAKEN;
    } finally {
      Atomics.store(msg.flag, 0, result);
      Atomics.notify(msg.flag, 0);
      port.postMessage({ type: 'begun' } satisfies WorkerReply);
    }
    // Only now (the snapshot is taken, no lock is held for it): on Linux this sets the
    // niceness of this thread alone; the process's other threads keep theirs.
    if (setup.nice > 0) {
      try {
        os.setPriority(setup.nice);
      } catch {
        // Not allowed here: the export still works, at normal priority.
      }
    }
    return;
  }
  const chunk = read(msg.after, msg.upTo);
  // The blob's memory moves to the main thread rather than being copied (when it owns it whole).
  const { buffer, byteOffset, byteLength } = chunk.bytes;
  const movable = byteOffset === 0 && buffer.byteLength === byteLength && buffer instanceof ArrayBuffer;
  port.postMessage({ type: 'chunk', index: msg.index, ...chunk } satisfies WorkerReply, movable ? [buffer] : []);
});
port.on('close', () => db.close());
port.postMessage({ type: 'ready' } satisfies WorkerReply);
