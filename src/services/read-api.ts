// The read API for accounting and BI: named, read-only tokens that admins create (shown once, kept as SHA-256
// fingerprints, revocable, last use shown), and pages of requests with the JSON export's fields behind a stable
// cursor. Creating and revoking a token is audited, and so is each read, which hands out personal data.
import crypto from 'node:crypto';
import { writeTransaction, writeTransactionWhenFree, type Db } from '../db/connection.js';
import type { AuditRepo } from '../db/repos/audit.js';
import type { ApiToken, ApiTokensRepo } from '../db/repos/api-tokens.js';
import { apiRecordsRepo } from '../db/repos/api-records.js';
import { requestColumns } from '../db/repos/export-queries.js';
import { formatterFor } from '../export/formatter.js';
import type { Actor } from '../domain/accounts.js';
import { isStatus } from '../domain/workflow.js';
import { AppError } from '../errors.js';

export type { ApiToken };

const TOKEN_PREFIX = 'rep_';
export const MAX_PAGE = 500;
const DEFAULT_PAGE = 100;
/** Changes this recent are left for the next page: a request's time is taken just before the write that commits
 * it, so a later change may commit first, and a cursor past it would skip the request for good. */
const SETTLE_MS = 2_000;
/** A token's last use is written at most this often: a busy integration does not write on every call. */
const USE_RECORDED_EVERY_MS = 60_000;

const fingerprint = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
const badQuery = (code: string, message: string) => new AppError(400, code, message);

/** The position after a record, as the client carries it: opaque, URL-safe. */
const encodeCursor = (updatedAt: string, id: number) => Buffer.from(`${updatedAt}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { afterAt: string; afterId: number } {
  const [afterAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!afterAt || !/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(afterAt) || !/^\d{1,15}$/.test(id ?? '')) {
    throw badQuery('bad_cursor', 'The cursor is not one this API gave. Start again without it.');
  }
  return { afterAt, afterId: Number(id) };
}

export interface RecordsQuery {
  status?: string;
  updatedSince?: string;
  cursor?: string;
  limit?: string;
}

export function readApiService(deps: { db: Db; tokens: ApiTokensRepo; audit: AuditRepo; clock: () => Date }) {
  const records = apiRecordsRepo(deps.db, formatterFor('json', requestColumns(deps.db)).line);
  // A read's audit row waits for the write lock on a timer and commits without an fsync, as the outbox's writes do:
  // it survives the process, and a page of reads no longer stalls the event loop on the disk or the request writer.
  const audited = (token: ApiToken, after: Record<string, unknown>) =>
    writeTransactionWhenFree(deps.db, () =>
      deps.audit.record({
        actor: { id: null, label: `api token "${token.name}"` },
        action: 'api.read',
        subjectType: 'api_token',
        subjectId: token.id,
        after,
        at: deps.clock().toISOString(),
      }),
    );

  return {
    list: () => deps.tokens.list(),

    /** A new token: returned once, here, and kept only as its fingerprint. */
    create(actor: Actor, name: string): { id: number; token: string } {
      const token = `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
      const id = writeTransaction(deps.db, () => {
        const at = deps.clock().toISOString();
        const created = deps.tokens.add({ name, hash: fingerprint(token), createdBy: actor.label, at });
        deps.audit.record({
          actor,
          action: 'api_token.create',
          subjectType: 'api_token',
          subjectId: created,
          after: { name },
          at,
        });
        return created;
      });
      return { id, token };
    },

    /** False when there is no such token or it was revoked already. */
    revoke(actor: Actor, id: number): boolean {
      return writeTransaction(deps.db, () => {
        const at = deps.clock().toISOString();
        const token = deps.tokens.byId(id);
        if (!token || !deps.tokens.revoke(id, at)) return false;
        deps.audit.record({
          actor,
          action: 'api_token.revoke',
          subjectType: 'api_token',
          subjectId: id,
          after: { name: token.name },
          at,
        });
        return true;
      });
    },

    /** The token a client sent, when it is one of ours and not revoked. */
    authenticate(sent: string): ApiToken | undefined {
      if (!sent.startsWith(TOKEN_PREFIX) || sent.length > 100) return undefined;
      const token = deps.tokens.byHash(fingerprint(sent));
      if (!token || token.revokedAt) return undefined;
      const now = deps.clock();
      if (!token.lastUsedAt || now.getTime() - Date.parse(token.lastUsedAt) >= USE_RECORDED_EVERY_MS) {
        // Off the read's path, without waiting on the event loop for the lock; a read must not fail for want of
        // this write (a full disk): the last use is then shown a little late.
        writeTransactionWhenFree(deps.db, () => deps.tokens.recordUse(token.id, now.toISOString())).catch(
          () => undefined,
        );
      }
      return token;
    },

    /** One page of requests, oldest change first, and the cursor of the next page (null at the end). */
    async page(token: ApiToken, query: RecordsQuery): Promise<string> {
      const statuses = query.status ? query.status.split(',') : null;
      if (statuses?.some((status) => !isStatus(status))) {
        throw badQuery('bad_status', 'status takes statuses separated by commas, e.g. new,quoted,licensed.');
      }
      const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
        throw badQuery('bad_limit', `limit is a whole number from 1 to ${MAX_PAGE}.`);
      }
      let position = { afterAt: '', afterId: 0 };
      if (query.cursor) position = decodeCursor(query.cursor);
      else if (query.updatedSince) {
        const since = new Date(query.updatedSince);
        if (!/^\d{4}-\d\d-\d\d/.test(query.updatedSince) || Number.isNaN(since.getTime())) {
          throw badQuery('bad_updated_since', 'updatedSince is a date or a date and time, e.g. 2026-12-01T00:00:00Z.');
        }
        // Ids start at 1, so (since, 0) is just before every request changed at or after `since`.
        position = { afterAt: since.toISOString(), afterId: 0 };
      }
      const settled = new Date(deps.clock().getTime() - SETTLE_MS).toISOString();
      const rows = records.page({ ...position, settled, statuses, limit });
      const last = rows.at(-1);
      const next = rows.length === limit && last ? encodeCursor(last.updatedAt, last.id) : null;
      // Whose data went to this token, so an access request can be answered from the audit log.
      await audited(token, { what: 'requests', count: rows.length, references: rows.map((row) => row.reference) });
      return `{"items":[${rows.map((row) => row.record).join(',')}],"next":${JSON.stringify(next)}}`;
    },

    /** One request's record, or undefined. */
    async one(token: ApiToken, reference: string): Promise<string | undefined> {
      const record = records.byReference(reference);
      if (record) await audited(token, { what: 'request', reference });
      return record;
    },
  };
}
