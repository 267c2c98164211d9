// "Lost the link?": the open requests made with one email address, and how many link emails were sent
// about them lately (the per-address limit).
import type { Db } from '../connection.js';
import { CLOSED } from '../../domain/workflow.js';

const MAX_LISTED = 20;

export function requestLinksRepo(db: Db) {
  const closed = CLOSED.map((status) => `'${status}'`).join(', ');
  const openIds = db
    .prepare(
      `SELECT id FROM requests WHERE lower(requester_email) = lower(?) AND anonymised_at IS NULL
       AND status NOT IN (${closed}) ORDER BY id DESC LIMIT ${MAX_LISTED}`,
    )
    .pluck();
  const sentSince = db
    .prepare(
      `SELECT COUNT(*) FROM outbox WHERE request_id IN (SELECT value FROM json_each(?))
       AND template = 'request_links' AND created_at >= ?`,
    )
    .pluck();
  return {
    openIds: (email: string) => openIds.all(email) as number[],
    sentSince: (ids: number[], since: string) => sentSince.get(JSON.stringify(ids), since) as number,
  };
}

export type RequestLinksRepo = ReturnType<typeof requestLinksRepo>;
