// Requests for the export, retention and erasure tests, submitted through the real
// JSON API at chosen clock times, and the database rows they became.
import request from 'supertest';
import type { TestApp } from './app.js';
import { futureDate, validRequest } from './fixtures.js';

export async function submitAt(t: TestApp, at: string, overrides: Record<string, unknown> = {}) {
  t.clock.now = new Date(at);
  const body = validRequest(overrides) as ReturnType<typeof validRequest> & { usage: Record<string, unknown> };
  body.usage = { ...body.usage, startDate: futureDate(30, t.clock.now) };
  const res = await request(t.server).post('/api/v1/requests').send(body);
  if (res.status !== 201) throw new Error(`seed request refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.reference as string;
}

export type Row = Record<string, unknown>;

/** Every request row in stored (submission) order, the export's order, with its articles. */
export function requestRows(t: TestApp): (Row & { articles: Row[] })[] {
  const rows = t.db.prepare('SELECT * FROM requests ORDER BY id').all() as Row[];
  const articles = t.db.prepare('SELECT * FROM request_articles WHERE request_id = ? ORDER BY position');
  return rows.map((r) => ({ ...r, articles: articles.all(r.id) as Row[] }));
}

/** Sets statuses and last-change dates directly: the desk workflow is not what these tests are about. */
export function setStatus(t: TestApp, reference: string, status: string, updatedAt?: string) {
  t.db
    .prepare('UPDATE requests SET status = ?, updated_at = coalesce(?, updated_at) WHERE reference = ?')
    .run(status, updatedAt ?? null, reference);
}
