// The outbox worker's claim: the due messages, earliest first (queued ones due by now
// and claims abandoned by a dead worker), read in due order from the index and stopped
// after a batch, so a claim costs the same with a backlog of 20,000 as with 20.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../src/db/migrate.js';
import { CLAIM_TIMEOUT_MS, DUE_SQL, outboxRepo } from '../../src/db/repos/outbox.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

test('a claim takes the earliest due messages, abandoned claims included, and reads only a batch of the backlog', async () => {
  const db = new Database(':memory:');
  migrate(db);
  const outbox = outboxRepo(db, 'reprise.test');
  const add = (due: string, status = 'queued', claimedAt: string | null = null) => {
    const id = outbox.enqueue(
      { requestId: null, template: 'desk_new_request', locale: 'en', recipient: 'desk@reprise.test' },
      at(-600),
    );
    db.prepare('UPDATE outbox SET next_attempt_at = ?, status = ?, claimed_at = ? WHERE id = ?').run(
      due,
      status,
      claimedAt,
      id,
    );
    return id;
  };
  // A backlog of 20,000 queued messages due from 5 hours ago on, a few not due yet, a claim
  // abandoned long ago, one still fresh, and messages already sent.
  db.transaction(() => {
    for (let i = 0; i < 20_000; i++) add(at(-300 + (i % 240)));
  })();
  const future = add(at(5));
  const abandoned = add(at(-400), 'sending', new Date(NOW.getTime() - CLAIM_TIMEOUT_MS - 1).toISOString());
  const fresh = add(at(-500), 'sending', at(-1));
  add(at(-700), 'sent');

  const expected = db
    .prepare(
      `SELECT id FROM outbox WHERE (status = 'queued' AND next_attempt_at <= ?) OR id = ?
    ORDER BY next_attempt_at, id LIMIT 10`,
    )
    .pluck()
    .all(NOW.toISOString(), abandoned) as number[];
  const claimed = await outbox.claimDue(NOW, 10);
  assert.deepEqual(
    claimed.map((r) => r.id),
    expected,
  );
  assert.equal(claimed[0]!.id, abandoned, 'the abandoned claim was due earliest');
  assert.ok(!claimed.some((r) => r.id === future || r.id === fresh));
  assert.ok(claimed.every((r) => r.status === 'sending'));

  // Each kind is read from the status index in due order and stops after a batch: the backlog is not sorted whole.
  const plan = (
    db
      .prepare(`EXPLAIN QUERY PLAN ${DUE_SQL}`)
      .all({ now: NOW.toISOString(), staleBefore: NOW.toISOString(), limit: 10 }) as { detail: string }[]
  )
    .map((r) => r.detail)
    .join(' | ');
  assert.match(plan, /SEARCH outbox USING INDEX outbox_due \(status=\? AND next_attempt_at<\?\)/, plan);
  assert.doesNotMatch(plan, /MULTI-INDEX OR/, plan);
  // And claiming on through the backlog keeps taking the next ones in order.
  for (let i = 0; i < 20; i++) await outbox.claimDue(NOW, 10);
  assert.equal(db.prepare(`SELECT COUNT(*) FROM outbox WHERE status = 'sending'`).pluck().get(), 1 + 10 + 200);
  const lastClaimed = db
    .prepare(`SELECT MAX(next_attempt_at) FROM outbox WHERE status = 'sending' AND id <> ?`)
    .pluck()
    .get(fresh) as string;
  const firstLeft = db
    .prepare(`SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'queued'`)
    .pluck()
    .get() as string;
  assert.ok(firstLeft >= lastClaimed, `nothing due earlier is left behind (${firstLeft} < ${lastClaimed})`);
  db.close();
});
