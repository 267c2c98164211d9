// Forward-only SQL migrations from migrations/NNNN_name.sql, applied in order, each in its own transaction
// and recorded, so a failed one changes nothing and stops the start with the file's name and SQLite's message.
import fs from 'node:fs';
import path from 'node:path';
import { checkpointWithoutWaiting, type Db } from './connection.js';
import { projectPath } from '../paths.js';

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Migration ${file} failed: ${reason}. Nothing from it was applied.`);
    this.name = 'MigrationError';
  }
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = projectPath('migrations')): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file,
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    }));
}

function ensureTable(db: Db) {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
}

function appliedVersions(db: Db): Set<number> {
  ensureTable(db);
  const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
  return new Set(rows.map((row) => row.version));
}

/** A migration that edits sqlite_schema itself (widening a CHECK constraint) says so on its first line. */
const editsSchema = (migration: Migration) => migration.sql.startsWith('-- reprise: writable_schema');

/**
 * SQLite's documented procedure for changing a constraint in place: writable_schema on for this connection,
 * schema_version bumped so every connection reloads the schema, and an integrity check before the commit.
 */
function applyToSchema(db: Db, migration: Migration, record: () => void) {
  db.unsafeMode(true);
  try {
    db.transaction(() => {
      const version = db.pragma('schema_version', { simple: true }) as number;
      db.pragma('writable_schema = ON');
      db.exec(migration.sql);
      db.pragma(`schema_version = ${version + 1}`);
      db.pragma('writable_schema = OFF');
      const check = db.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`the database failed its integrity check: ${String(check)}`);
      record();
    }).immediate();
  } finally {
    db.pragma('writable_schema = OFF');
    db.unsafeMode(false);
  }
}

/** Applies what is missing; returns the names applied. */
export function migrate(db: Db, migrations = readMigrations(), now = () => new Date()): string[] {
  const done = appliedVersions(db);
  const applied: string[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    try {
      if (editsSchema(migration))
        applyToSchema(db, migration, () => record.run(migration.version, migration.name, now().toISOString()));
      else {
        db.transaction(() => {
          db.exec(migration.sql);
          record.run(migration.version, migration.name, now().toISOString());
        }).immediate();
      }
    } catch (err) {
      throw new MigrationError(migration.name, err);
    }
    applied.push(migration.name);
  }
  // A migration that rewrites a large table leaves a WAL as large as what it wrote: hand the space back
  // now rather than at some later checkpoint (a reader, such as Litestream, may defer it).
  if (applied.length) checkpointWithoutWaiting(db);
  return applied;
}

/** The names of the migrations shipped with this build that the database has not had. */
export function pendingMigrations(db: Db, migrations = readMigrations()): string[] {
  const done = appliedVersions(db);
  return migrations.filter((migration) => !done.has(migration.version)).map((migration) => migration.name);
}
