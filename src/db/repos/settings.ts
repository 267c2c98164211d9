// Small values the service keeps for itself between restarts.
import crypto from 'node:crypto';
import type { Db } from '../connection.js';

export function settingsRepo(db: Db) {
  const get = db.prepare('SELECT value FROM settings WHERE name = ?');
  const insert = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
  return {
    /** A random secret made on first use and then kept, so tokens survive restarts. */
    secret(name: string): string {
      insert.run(name, crypto.randomBytes(32).toString('base64url'));
      return (get.get(name) as { value: string }).value;
    },
  };
}
