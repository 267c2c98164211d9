// express-session's store on our own SQLite table (the published SQLite stores are unmaintained or GPL).
// Expired rows are ignored on read and pruned now and then on write; one user's sessions can be ended
// together. Session ids are kept hashed, so a copy of the database holds no cookie that would sign anyone in.
import crypto from 'node:crypto';
import session from 'express-session';
import type { Db } from './connection.js';
import type { StorageCondition } from '../storage-condition.js';

type Callback = (error?: unknown) => void;
const PRUNE_EVERY_MS = 10 * 60_000;

/** What the table keeps for a session id: its SHA-256 (the id is 24 random bytes, so no salt is needed). */
export const sessionKey = (sessionId: string) => crypto.createHash('sha256').update(sessionId).digest('base64url');

export class SqliteSessionStore extends session.Store {
  private readonly getStmt;
  private readonly setStmt;
  private readonly destroyStmt;
  private readonly touchStmt;
  private readonly staleStmt;
  private readonly pruneStmt;
  private readonly destroyUserStmt;
  private readonly forUserStmt;
  private readonly destroyOneStmt;
  private lastPrune = 0;

  constructor(
    db: Db,
    private readonly defaultTtlMs: number,
    /** Told of a touch refused for lack of space (then the page is answered all the same). */
    private readonly storage?: Pick<StorageCondition, 'refuseQuietly'>,
  ) {
    super();
    this.getStmt = db.prepare('SELECT data FROM sessions WHERE sid = ? AND expires_at > ?');
    this.setStmt = db.prepare(`INSERT INTO sessions (sid, data, user_id, expires_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (sid) DO UPDATE
      SET data = excluded.data, user_id = excluded.user_id, expires_at = excluded.expires_at`);
    this.destroyStmt = db.prepare('DELETE FROM sessions WHERE sid = ?');
    // Rolling sessions touch on every page: write only when the expiry moves by a minute or more,
    // so browsing the desk does not cost one durable commit per page.
    this.touchStmt = db.prepare(
      'UPDATE sessions SET expires_at = @expires WHERE sid = @sid AND expires_at < @expires - 60000',
    );
    // Asked first: an UPDATE takes the write lock even when it changes nothing, and the lock may be
    // held by the request writer's thread (a batch committing), which would hold up this page.
    this.staleStmt = db.prepare('SELECT 1 FROM sessions WHERE sid = @sid AND expires_at < @expires - 60000').pluck();
    this.pruneStmt = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
    this.destroyUserStmt = db.prepare('DELETE FROM sessions WHERE user_id = ?');
    this.forUserStmt = db.prepare('SELECT sid, data FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY rowid');
    this.destroyOneStmt = db.prepare('DELETE FROM sessions WHERE sid = ? AND user_id = ?');
  }

  private expiry(sessionData: session.SessionData): number {
    const expires = sessionData.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.defaultTtlMs;
  }

  override get(sessionId: string, callback: (err: unknown, sessionData?: session.SessionData | null) => void) {
    try {
      const row = this.getStmt.get(sessionKey(sessionId), Date.now()) as { data: string } | undefined;
      callback(null, row ? (JSON.parse(row.data) as session.SessionData) : null);
    } catch (err) {
      callback(err);
    }
  }

  override set(sessionId: string, sessionData: session.SessionData, callback?: Callback) {
    let failure: unknown;
    try {
      // A session between password and code belongs to its account too: ending the account's sessions ends it.
      const userId = sessionData.userId ?? sessionData.pending?.userId ?? null;
      this.setStmt.run(sessionKey(sessionId), JSON.stringify(sessionData), userId, this.expiry(sessionData));
      this.pruneNowAndThen();
    } catch (err) {
      failure = err;
    }
    // Outside the try: a callback that throws must not be called a second time with its own error.
    callback?.(failure);
  }

  override destroy(sessionId: string, callback?: Callback) {
    let failure: unknown;
    try {
      this.destroyStmt.run(sessionKey(sessionId));
    } catch (err) {
      failure = err;
    }
    callback?.(failure);
  }

  override touch(sessionId: string, sessionData: session.SessionData, callback?: Callback) {
    let failure: unknown;
    try {
      const params = { expires: this.expiry(sessionData), sid: sessionKey(sessionId) };
      if (this.staleStmt.get(params)) this.touchStmt.run(params);
    } catch (err) {
      // A later expiry that cannot be written on a full disk costs at most a sooner sign-out:
      // not worth failing the page (express-session passes a touch error on to the error handler).
      failure = this.storage?.refuseQuietly('database', err, 'session touch') ? undefined : err;
    }
    callback?.(failure);
  }

  /** Ends every session of a user: on disable or password reset (a new role applies on the next request). */
  destroyForUser(userId: number): number {
    return this.destroyUserStmt.run(userId).changes;
  }

  /** A user's sessions in force, keyed as the table keeps them (the hash of the id, never the cookie's value). */
  forUser(userId: number): { key: string; data: session.SessionData }[] {
    const rows = this.forUserStmt.all(userId, Date.now()) as { sid: string; data: string }[];
    return rows.map((row) => ({ key: row.sid, data: JSON.parse(row.data) as session.SessionData }));
  }

  /** Ends one of a user's sessions by its key; false when the user has no such session. */
  destroyOne(userId: number, key: string): boolean {
    return this.destroyOneStmt.run(key, userId).changes === 1;
  }

  private pruneNowAndThen() {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    this.pruneStmt.run(now);
  }
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** Epoch ms of sign-in (absolute time-out) and of the last request (idle time-out), from the app clock. */
    signedInAt?: number;
    lastSeenAt?: number;
    /** What the list of sessions shows: the browser and system, and the address it signed in from. */
    device?: string;
    ip?: string;
    /** First step taken (a password, or single sign-on), second factor not yet: who, since when (epoch ms), the page
     * to go on to, and how the first step was taken. */
    pending?: { userId: number; at: number; next: string; step: 'code' | 'enrol'; method?: 'password' | 'sso' };
    /** An authenticator app's secret shown for enrolment, kept until a code confirms it. */
    enrolSecret?: string;
    /** How the session was opened: a password (with its code), a passkey, or single sign-on. */
    method?: 'password' | 'passkey' | 'sso';
    /** The last WebAuthn challenge given to this browser (sign_in_challenges says whether it is still good). */
    passkeyChallenge?: string;
    /** A single sign-on in progress: what the provider's answer must match, and the page to go on to. */
    sso?: { state: string; nonce: string; verifier: string; next: string };
  }
}
