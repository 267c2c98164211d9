// Which store (the database, the mail folder) has refused a write for lack of space, since when, and how
// many writes it refused meanwhile; /healthz and /metrics show it, and the log gets one line per change of
// state, never one per background retry. A full store is clear again after a successful write, or when its
// folder is seen to have room again (checked whenever the condition is read).
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { AppError } from './errors.js';

export type Store = 'database' | 'mail';
export const STORES: readonly Store[] = ['database', 'mail'];

/** What a client is told to wait before trying again. */
const RETRY_AFTER_SECONDS = 60;
/** A folder with less free space than this counts as full. */
export const LOW_SPACE_BYTES = 1024 * 1024;

const LABEL: Record<Store, string> = { database: 'database', mail: 'mail folder' };

export class StorageFullError extends AppError {
  constructor(readonly store: Store) {
    super(
      503,
      'storage_full',
      'Nothing could be saved: the service has run out of storage space. ' +
        'Nothing was changed; please try again in a few minutes.',
      undefined,
      { retryAfterSeconds: RETRY_AFTER_SECONDS },
    );
  }
}

/** Bytes an unprivileged process may still write on the file system of `dir` (or of its nearest existing parent). */
function freeBytes(dir: string): number | undefined {
  for (let folder = path.resolve(dir); ; folder = path.dirname(folder)) {
    try {
      const stats = fs.statfsSync(folder);
      return stats.bavail * stats.bsize;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || folder === path.dirname(folder)) return undefined;
    }
  }
}

/** True unless `dir`'s file system is known to have less than LOW_SPACE_BYTES free. */
export function roomIn(dir: string | undefined): boolean {
  const free = dir === undefined ? undefined : freeBytes(dir);
  return free === undefined || free >= LOW_SPACE_BYTES;
}

const codeOf = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

/** SQLite's answers when the disk refuses a write (a quota reaches SQLite as a write error, not SQLITE_FULL). */
const WRITE_REFUSED = new Set([
  'SQLITE_IOERR_WRITE',
  'SQLITE_IOERR_FSYNC',
  'SQLITE_IOERR_TRUNCATE',
  'SQLITE_IOERR_SHMSIZE',
]);

/**
 * A write refused for lack of space: SQLITE_FULL, ENOSPC, EDQUOT, SQLite's write errors (a quota, or a failing
 * disk: either way worth a retry later), or any other SQLite I/O error while `dir` is nearly full.
 */
export function isOutOfSpace(err: unknown, dir?: string): boolean {
  const code = codeOf(err);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || WRITE_REFUSED.has(code)) return true;
  return code.startsWith('SQLITE_IOERR') && dir !== undefined && !roomIn(dir);
}

export interface StorageConditionOptions {
  logger: Logger;
  clock?: () => Date;
  /** Each store's folder: for its free space, and to tell a full disk's I/O errors from others. */
  folders?: Partial<Record<Store, string>>;
  /** Whether the store has room again without writing to it; by default, LOW_SPACE_BYTES free in its folder. */
  hasRoom?: Partial<Record<Store, () => boolean>>;
}

export interface FullStore {
  since: Date;
  /** Writes refused since then, the first included. */
  refused: number;
  code: string;
}

export function storageCondition(options: StorageConditionOptions) {
  const clock = options.clock ?? (() => new Date());
  const full = new Map<Store, FullStore & { roomSeenMissing: boolean }>();
  const refusedTotal: Record<Store, number> = { database: 0, mail: 0 };
  const hasRoom = (store: Store) => (options.hasRoom?.[store] ?? (() => roomIn(options.folders?.[store])))();
  const free = (store: Store) => {
    const dir = options.folders?.[store];
    return dir === undefined ? undefined : freeBytes(dir);
  };

  function record(store: Store, err: unknown, what: string, quiet: boolean, log: Logger): boolean {
    if (!isOutOfSpace(err, options.folders?.[store])) return false;
    refusedTotal[store]++;
    const code = codeOf(err);
    const state = full.get(store);
    if (!state) {
      // Only a lack of room the check could see lets the check, later, see it come back
      // (a quota or max_page_count leaves the disk roomy: then a write must succeed).
      full.set(store, { since: clock(), refused: 1, code, roomSeenMissing: !hasRoom(store) });
      log.error(
        { store, code, refused: what, freeBytes: free(store) },
        `${LABEL[store]} full: ${what} refused; writes will fail until space is freed`,
      );
      return true;
    }
    state.refused++;
    if (!quiet) {
      const since = state.since.toISOString();
      log.warn({ store, code, refused: what, since }, `${LABEL[store]} full: ${what} refused`);
    }
    return true;
  }

  function clear(store: Store, how: string) {
    const state = full.get(store);
    if (!state) return;
    full.delete(store);
    const seconds = Math.round((clock().getTime() - state.since.getTime()) / 1000);
    options.logger.info(
      { store, since: state.since.toISOString(), seconds, refusedWrites: state.refused, freeBytes: free(store) },
      `${LABEL[store]} writable again (${how}) after ${seconds} s; ${state.refused} writes were refused meanwhile`,
    );
  }

  return {
    /** When `err` is a lack of space in `store`: records it, logs one line and returns the error to answer with. */
    refuse(store: Store, err: unknown, what: string, log: Logger = options.logger): StorageFullError | undefined {
      return record(store, err, what, false, log) ? new StorageFullError(store) : undefined;
    },
    /** The same for writes retried in the background: counted, but logged only when the store becomes full. */
    refuseQuietly(store: Store, err: unknown, what: string): boolean {
      return record(store, err, what, true, options.logger);
    },
    /** A write to `store` succeeded: it has room. */
    wrote(store: Store) {
      if (full.size) clear(store, 'a write succeeded');
    },
    /** The store's condition now, after checking whether it has room again. */
    full(store: Store): FullStore | undefined {
      const state = full.get(store);
      if (!state) return undefined;
      if (!hasRoom(store)) state.roomSeenMissing = true;
      else if (state.roomSeenMissing) {
        clear(store, 'space was freed');
        return undefined;
      }
      return { since: state.since, refused: state.refused, code: state.code };
    },
    /** Writes refused for lack of space since the service started. */
    refusedTotal: (store: Store) => refusedTotal[store],
    /** Free bytes where the store keeps its files, if it has a folder. */
    freeBytes: free,
    /** Whether the store has a folder of its own (the mail folder exists only without SMTP_URL). */
    hasFolder: (store: Store) => options.folders?.[store] !== undefined,
  };
}

export type StorageCondition = ReturnType<typeof storageCondition>;
