// A desk user's sessions: each signed-in browser with its device, address, sign-in and last use. A person ends
// any of their own (a lost laptop, a shared computer); an admin ends all of someone's. Each ending is audited.
import { writeTransaction, type Db } from '../db/connection.js';
import { sessionKey, type SqliteSessionStore } from '../db/session-store.js';
import type { AuditRepo } from '../db/repos/audit.js';
import type { Actor } from '../domain/accounts.js';
import { notFound } from '../errors.js';

export interface DeskSession {
  /** The table's key for the session: the hash of its id, safe to put in a page. */
  id: string;
  device: string;
  ip: string | null;
  signedInAt: string | null;
  lastSeenAt: string | null;
  /** How it was opened; null for sessions opened before this was recorded. */
  method: 'password' | 'passkey' | 'sso' | null;
  current: boolean;
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

export function deskSessions(deps: {
  db: Db;
  store: Pick<SqliteSessionStore, 'forUser' | 'destroyOne' | 'destroyForUser'>;
  audit: AuditRepo;
  clock: () => Date;
}) {
  return {
    /** The user's sessions, the one making this request marked, most recently used first. */
    list(userId: number, currentSessionId: string): DeskSession[] {
      const currentKey = sessionKey(currentSessionId);
      return deps.store
        .forUser(userId)
        .filter(({ data }) => data.userId === userId) // not the ones still between password and code
        .map(({ key, data }) => ({
          id: key,
          device: data.device ?? 'An unknown browser',
          ip: data.ip ?? null,
          signedInAt: iso(data.signedInAt),
          lastSeenAt: iso(data.lastSeenAt),
          method: data.method ?? null,
          current: key === currentKey,
        }))
        .sort((a, b) => (b.lastSeenAt ?? '').localeCompare(a.lastSeenAt ?? ''));
    },

    /** Ends one of the actor's own sessions; another person's is not found. */
    end(actor: Actor & { id: number }, id: string) {
      const ended = deps.store.forUser(actor.id).find((session) => session.key === id);
      if (!ended) throw notFound('This session has already ended.');
      const { device, ip } = ended.data;
      const at = deps.clock().toISOString();
      writeTransaction(deps.db, () => {
        if (!deps.store.destroyOne(actor.id, id)) throw notFound('This session has already ended.');
        deps.audit.record({
          actor,
          action: 'session.end',
          subjectType: 'user',
          subjectId: actor.id,
          after: { device, ip },
          at,
        });
      });
    },

    /** An admin ends every session of a user (a lost device, a leaver); returns how many. */
    endAll(actor: Actor, userId: number): number {
      return writeTransaction(deps.db, () => {
        const ended = deps.store.destroyForUser(userId);
        const at = deps.clock().toISOString();
        deps.audit.record({
          actor,
          action: 'user.end_sessions',
          subjectType: 'user',
          subjectId: userId,
          after: { ended },
          at,
        });
        return ended;
      });
    },
  };
}
