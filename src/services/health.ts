// Whether the service can do its work: the database answers, every migration shipped with this build is
// applied, and neither the database nor the mail folder refuses writes.
import type { Db } from '../db/connection.js';
import { pendingMigrations, type Migration } from '../db/migrate.js';
import { STORES, type FullStore, type StorageCondition, type Store } from '../storage-condition.js';

export interface HealthReport {
  healthy: boolean;
  body: Record<string, unknown>;
}

export function healthService(deps: { db: Db; migrations: Migration[]; storage: StorageCondition }) {
  const ping = deps.db.prepare('SELECT 1 AS ok');
  return {
    check(): HealthReport {
      try {
        ping.get();
        const pending = pendingMigrations(deps.db, deps.migrations);
        if (pending.length) {
          return { healthy: false, body: { status: 'error', database: 'ok', pendingMigrations: pending } };
        }
      } catch {
        return { healthy: false, body: { status: 'error', database: 'unreachable' } };
      }
      const full: Partial<Record<Store, FullStore>> = {};
      for (const store of STORES) {
        const state = deps.storage.full(store);
        if (state) full[store] = state;
      }
      const stores = { database: full.database ? 'full' : 'ok', mail: full.mail ? 'full' : 'ok' };
      if (!full.database && !full.mail) return { healthy: true, body: { status: 'ok', ...stores } };
      const storageFull = Object.fromEntries(
        Object.entries(full).map(([store, state]) => [
          store,
          { since: state.since.toISOString(), refusedWrites: state.refused, code: state.code },
        ]),
      );
      const names = Object.keys(full).map((store) => (store === 'mail' ? 'the mail folder' : 'the database'));
      return {
        healthy: false,
        body: {
          status: 'error',
          ...stores,
          storageFull,
          message:
            `Out of storage space: ${names.join(' and ')} cannot be written to. ` +
            'Free some space; the service recovers by itself.',
        },
      };
    },
  };
}
