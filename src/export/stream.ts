// Streams an export to any Writable (a file, standard output, an HTTP response) from read-only connections,
// a chunk of rows at a time (./chunks.ts), waiting whenever the destination holds more than MAX_BUFFERED:
// memory stays flat however many rows there are. See docs/internals.md#export.
import type { Writable } from 'node:stream';
import { exportCount, openExportConnection, requestColumns } from '../db/repos/export-queries.js';
import { chooseReaders, openChunks, type ChunkReaders } from './chunks.js';
import type { ExportFilters } from './filters.js';
import { formatterFor, type ExportFormat } from './formatter.js';

/** What may wait in the destination before the loop pauses: above a stream's 16 kB, so reads and writes overlap. */
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
 * The destination as the export loop sees it. It listens for 'error' for the whole export: a write may fail
 * while the loop waits for rows, and an 'error' with no listener would end the process.
 */
class Destination {
  private failure: Error | undefined;
  private readonly onError = (error: Error) => {
    this.failure ??= error;
  };

  constructor(private readonly out: Writable) {
    out.on('error', this.onError);
  }

  /** Writes a chunk; waits while the destination is full, and yields every few chunks so none stalls the service. */
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
      const done = (error?: Error) => {
        out.off('drain', onDrain).off('close', onClose).off('error', onError);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(this.failure ?? new ExportAborted(rows));
      const onError = (error: Error) => done(error);
      out.on('drain', onDrain).on('close', onClose).on('error', onError);
    });
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Writes the whole export to `out` (which it does not end) and resolves to the number of rows. */
export async function streamExport(options: ExportOptions, out: Writable): Promise<number> {
  const db = openExportConnection(options.databasePath);
  const destination = new Destination(out);
  let rows = 0;
  try {
    const format = formatterFor(options.format, requestColumns(db));
    const setup = {
      databasePath: options.databasePath,
      line: format.line,
      separator: format.separator,
      filters: options.filters,
      nice: options.service ? 10 : 0,
    };
    const readers = options.readers ?? chooseReaders(db, options.service ? 'worker' : 'both');
    const source = await openChunks(db, setup, readers);
    try {
      // For the progress bar, on this thread's snapshot (with a worker reading alone, taken just after its own).
      const total = options.onProgress ? exportCount(db, options.filters) : 0;
      let reported = 0;
      let writes = 0;
      await destination.write(format.header(), rows, writes++);
      for await (const chunk of source.chunks()) {
        if (chunk.rows === 0) continue;
        const between = rows === 0 ? format.lead : format.separator;
        if (between) await destination.write(between, rows, writes++);
        rows += chunk.rows; // handed to the destination (an interrupted export reports these as sent)
        await destination.write(chunk.bytes, rows, writes++);
        if (options.onProgress && rows - reported >= 10_000) {
          reported = rows;
          options.onProgress(rows, total);
        }
      }
      await destination.write(format.footer(rows), rows, writes++);
      options.onProgress?.(rows, total);
      return rows;
    } finally {
      await source.close();
    }
  } finally {
    destination.release();
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }
}
