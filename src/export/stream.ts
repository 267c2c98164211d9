// Streams an export to any Writable (a file, standard output, an HTTP response)
// from a separate read-only connection: rows are stepped one at a time with
// stmt.iterate(), formatted into ~64 kB chunks, and the loop waits for 'drain'
// whenever the destination is full, so memory stays flat however many rows there
// are and the service's own connection keeps taking submissions meanwhile.
import type { Writable } from 'node:stream';
import { openDatabase } from '../db/connection.js';
import { exportQueries } from '../db/repos/export-queries.js';
import type { ExportFilters } from './filters.js';
import { formatterFor, sqlFlavour, type ExportFormat } from './formatter.js';

const CHUNK = 64 * 1024;

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
  /** Called every 10,000 rows with the rows written and the total expected. */
  onProgress?: (rows: number, total: number) => void;
}

/** Resolves when the destination can take more, or rejects when it closed or failed first. */
function drained(out: Writable, rows: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain).off('close', onClose).off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new ExportAborted(rows));
    const onError = (err: Error) => done(err);
    out.on('drain', onDrain).on('close', onClose).on('error', onError);
  });
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Writes one chunk and waits while the destination is full. A destination that is
 * never full (a large buffer, a fast local client) still gets a turn of the event
 * loop now and then, so the service never stalls behind a long export.
 */
async function write(out: Writable, chunk: string, rows: number, chunkIndex: number) {
  if (out.destroyed || out.writableEnded) throw new ExportAborted(rows);
  if (!out.write(chunk)) await drained(out, rows);
  else if (chunkIndex % 4 === 3) await yieldToEventLoop();
}

/** Writes the whole export to `out` (which it does not end) and resolves to the number of rows. */
export async function streamExport(opts: ExportOptions, out: Writable): Promise<number> {
  const db = openDatabase(opts.databasePath, { readonly: true });
  let rows = 0;
  try {
    const queries = exportQueries(db, sqlFlavour(opts.format));
    const format = formatterFor(opts.format, queries.columns);
    const total = opts.onProgress ? queries.count(opts.filters) : 0;
    let buffer = format.header();
    let reported = 0;
    let chunks = 0;
    const iterator = queries.iterate(opts.filters);
    try {
      for (const values of iterator) {
        buffer += format.row(values, rows);
        rows++;
        if (buffer.length >= CHUNK) {
          await write(out, buffer, rows, chunks++);
          buffer = '';
          if (opts.onProgress && rows - reported >= 10_000) {
            reported = rows;
            opts.onProgress(rows, total);
          }
        }
      }
    } finally {
      iterator.return?.();
    }
    await write(out, buffer + format.footer(rows), rows, chunks++);
    opts.onProgress?.(rows, total);
    return rows;
  } finally {
    db.close();
  }
}
