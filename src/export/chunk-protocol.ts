// The messages between the export and its chunk worker (./chunks.ts, ./chunk-worker.ts), in a module of
// their own so that importing them never runs the worker's code.
import type { ExportFilters } from './filters.js';

export interface WorkerSetup {
  databasePath: string;
  line: string;
  separator: string;
  filters: ExportFilters;
  /** Run at this niceness (0–19): inside the service, the worker gives way to the threads answering requests. */
  nice: number;
}
/** The 'begin' flag: 0 while waiting, then SNAPSHOT_TAKEN or SNAPSHOT_FAILED. */
export const SNAPSHOT_TAKEN = 1;
export const SNAPSHOT_FAILED = 2;
export type WorkerRequest =
  { type: 'begin'; flag: Int32Array } | { type: 'chunk'; index: number; after: number; upTo: number };
export type WorkerReply =
  { type: 'ready' } | { type: 'begun' } | { type: 'chunk'; index: number; bytes: Uint8Array; rows: number };
