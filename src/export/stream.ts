// Streams an export to any Writable (a file, standard output, an HTTP response)
// from separate read-only connections: SQLite writes the rows a chunk of 200 at a
// time (src/db/repos/export-queries.ts, src/export/chunks.ts), and the loop waits for 'drain' whenever
// the destination holds more than 1 MB, so memory stays flat however many rows
// there are and the service's own connection keeps taking submissions meanwhile.
import type { Writable } from 'node:stream';
import { exportCount, openExportConnection, requestColumns } from '../db/repos/export-queries.js';
import { chooseReaders, openChunks, type ChunkReaders } from './chunks.js';
import type { ExportFilters } from './filters.js';
import { formatterFor, type ExportFormat } from './formatter.js';

/**
 * How much may wait in the destination's buffer before the loop pauses for it. Above a
 * stream's own 16 kB mark on purpose: pausing at every chunk left the CPU idle while each
 * write went to disk; 1 MB lets reading and writing overlap and still bounds memory.
 */
const MAX_BUFFERED = 1024 * 1024;

export class ExportAborted extends Error {
  constructor(readonly rows: number) {
    super(`The export was interrupted after ${rows} rows (the destination closed).`);
    this.name = 'ExportAborted';
  }
}

export interface ExportOptions {
  databasePath: string;
  format: ExportFormat;
  filters: ExportFilters;
  /** Which threads read (tests force it); by default as the table's size suggests, see `service`. */
  readers?: ChunkReaders;
  /** The export runs inside the service: a large one is read by a worker alone, never by the event loop's thread. */
  service?: boolean;
  /** Called every 10,000 rows with the rows written and the total expected. */
  onProgress?: (rows: number, total: number) => void;
}

/**
 * The destination as the export loop sees it. It listens for 'error' for the whole export:
 * the loop may be waiting for rows (not for the destination) when a write fails, and an
 * 'error' with no listener would end the process.
 */
class Destination {
  private failure: Error | undefined;
  private readonly onError = (err: Error) => {
    this.failure ??= err;
  };

  constructor(private readonly out: Writable) {
    out.on('error', this.onError);
  }

  /**
   * Writes one chunk and waits while the destination holds more than MAX_BUFFERED. A
   * destination that never fills (a fast local client) still gets a turn of the event
   * loop every few chunks, so the service never stalls behind a long export.
   */
  async write(chunk: string | Uint8Array, rows: number, chunkIndex: number) {
    this.check(rows);
    this.out.write(chunk);
    if (this.out.writableLength >= MAX_BUFFERED) await this.drained(rows);
    else if (chunkIndex % 4 === 3) await yieldToEventLoop();
    this.check(rows);
  }

  /** Stops listening; an error that comes later is the caller's (it ends the stream). */
  release() {
    this.out.off('error', this.onError);
  }

  private check(rows: number) {
    if (this.failure) throw this.failure;
    if (this.out.destroyed || this.out.writableEnded) throw new ExportAborted(rows);
  }

  /** Resolves when the destination can take more, or rejects when it closed or failed first. */
  private drained(rows: number): Promise<void> {
    const out = this.out;
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        out.off('drain', onDrain).off('close', onClose).off('error', onError);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(this.failure ?? new ExportAborted(rows));
      const onError = (err: Error) => done(err);
      out.on('drain', onDrain).on('close', onClose).on('error', onError);
    });
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Writes the whole export to `out` (which it does not end) and resolves to the number of rows. */
export async function streamExport(opts: ExportOptions, out: Writable): Promise<number> {
  const db = openExportConnection(opts.databasePath);
  const dest = new Destination(out);
  let rows = 0;
  try {
    const format = formatterFor(opts.format, requestColumns(db));
    const source = await openChunks(db, {
      databasePath: opts.databasePath,
      line: format.line,
      separator: format.separator,
      filters: opts.filters,
      nice: opts.service ? 10 : 0,
    }, opts.readers ?? chooseReaders(db, opts.service ? 'worker' : 'both'));
    try {
      // For the progress bar: this thread's snapshot, the chunks' own (or, with a worker reading alone, taken just after).
      const total = opts.onProgress ? exportCount(db, opts.filters) : 0;
      let reported = 0;
      let writes = 0;
      await dest.write(format.header(), rows, writes++);
      for await (const chunk of source.chunks()) {
        if (chunk.rows === 0) continue;
        const between = rows === 0 ? format.lead : format.separator;
        if (between) await dest.write(between, rows, writes++);
        rows += chunk.rows; // handed to the destination (an interrupted export reports these as sent)
        await dest.write(chunk.bytes, rows, writes++);
        if (opts.onProgress && rows - reported >= 10_000) {
          reported = rows;
          opts.onProgress(rows, total);
        }
      }
      await dest.write(format.footer(rows), rows, writes++);
      opts.onProgress?.(rows, total);
      return rows;
    } finally {
      await source.close();
    }
  } finally {
    dest.release();
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }
}
