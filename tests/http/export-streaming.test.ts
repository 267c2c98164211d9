// The export streams: while it waits on a slow reader the service keeps taking
// submissions (the export reads a snapshot on its own read-only connections, one or
// two threads), and a reader that goes away stops it and is recorded as an
// incomplete export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { submitAt } from '../helpers/export-seed.js';
import { futureDate, validRequest } from '../helpers/fixtures.js';
import { streamExport, ExportAborted } from '../../src/export/stream.js';
import { auditedExport } from '../../src/export/audited-export.js';
import { parseFilters } from '../../src/export/filters.js';
import type { ChunkReaders } from '../../src/export/chunks.js';
import { CLI } from '../../src/domain/accounts.js';

let t: TestApp;
const SEEDED = 5000; // several MB of CSV: more than the export lets wait in a full destination (1 MB)

before(async () => {
  t = await buildTestApp();
  await submitAt(t, '2026-01-05T10:00:00Z');
  // Thousands of rows by hand (copies of the submitted one, under another year's references),
  // so the export spans many chunks.
  t.db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
    INSERT INTO requests (reference, access_token, locale, requester_name, requester_email, org_name, org_type, org_country,
      org_non_profit, medium, territory, countries, language, translation, audience, start_date, duration_months, exclusive,
      commercial, images, quote_json, quote_total_minor, currency, refer_to_desk, rate_card_version, created_at, updated_at)
    SELECT printf('REP-2020-%06d', i), 'tok' || i, locale, requester_name, 'p' || i || '@example.org', org_name, org_type,
      org_country, org_non_profit, medium, territory, countries, language, translation, audience, start_date, duration_months,
      exclusive, commercial, images, quote_json, quote_total_minor, currency, refer_to_desk, rate_card_version,
      strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+' || i || ' seconds'), updated_at
    FROM requests, n WHERE requests.id = 1`,
    )
    .run(SEEDED);
  t.clock.now = new Date();
});
after(() => t.close());

for (const readers of ['main', 'worker', 'both'] as const) {
  test(`a paused export does not stop submissions or changes, and exports the snapshot it started with (read by ${readers})`, async () => {
    const before = t.db.prepare('SELECT COUNT(*) FROM requests').pluck().get() as number;
    const firstStatus = t.db.prepare('SELECT status FROM requests WHERE id = 1').pluck().get() as string;
    const out = new PassThrough({ highWaterMark: 1024 });
    let done = false;
    const exporting = streamExport(
      { databasePath: t.config.databasePath, format: 'csv', filters: parseFilters({}), readers },
      out,
    ).then((n) => {
      done = true;
      return n;
    });
    // Once rows are waiting for the reader, the snapshot has been taken.
    while (out.readableLength === 0) await sleep(10);
    await sleep(50);
    assert.equal(done, false, 'the export waits for its reader (backpressure)');
    const body = validRequest();
    body.usage.startDate = futureDate(30, t.clock.now);
    await request(t.server).post('/api/v1/requests').send(body).expect(201);
    t.db.prepare(`UPDATE requests SET status = 'spam' WHERE id = 1`).run();

    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const rows = await exporting;
    out.end();
    assert.equal(rows, before, 'the request submitted meanwhile is not in this export');
    const records = parse(Buffer.concat(chunks), { bom: true, columns: true }) as { status: string }[];
    assert.equal(records.length, before);
    assert.equal(records[0].status, firstStatus, 'a change made meanwhile is not in this export either');
    assert.equal(t.db.prepare('SELECT COUNT(*) FROM requests').pluck().get(), before + 1);
    t.db.prepare(`UPDATE requests SET status = ? WHERE id = 1`).run(firstStatus);
  });
}

test('a worker, or this thread and a worker, write exactly what this thread alone writes, in every format and with filters', async () => {
  const exportBytes = async (
    format: 'csv' | 'json' | 'ndjson',
    raw: Record<string, unknown>,
    readers: ChunkReaders,
  ) => {
    const chunks: Buffer[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) });
    const rows = await streamExport(
      { databasePath: t.config.databasePath, format, filters: parseFilters(raw), readers },
      sink,
    );
    return { rows, bytes: Buffer.concat(chunks) };
  };
  for (const format of ['csv', 'json', 'ndjson'] as const) {
    for (const raw of [{}, { from: '2020-01-01', to: '2026-01-05' }, { status: 'new' }, { from: '2030-01-01' }]) {
      const here = await exportBytes(format, raw, 'main');
      for (const readers of ['worker', 'both'] as const) {
        const other = await exportBytes(format, raw, readers);
        assert.equal(other.rows, here.rows, `${format} ${JSON.stringify(raw)} ${readers}: rows`);
        assert.ok(other.bytes.equals(here.bytes), `${format} ${JSON.stringify(raw)} ${readers}: bytes`);
      }
    }
  }
});

for (const readers of ['main', 'worker', 'both'] as const) {
  test(`a reader that goes away stops the export, recorded as incomplete (read by ${readers})`, async () => {
    let received = 0;
    const out = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        received += chunk.length;
        if (received > 100_000) {
          this.destroy();
          return;
        }
        setImmediate(cb);
      },
    });
    await assert.rejects(
      auditedExport(
        {
          db: t.db,
          databasePath: t.config.databasePath,
          format: 'ndjson',
          filters: parseFilters({}),
          readers,
          actor: CLI,
          clock: () => t.clock.now,
          destination: 'test',
        },
        out,
      ),
      (err: unknown) => err instanceof ExportAborted && err.rows > 0 && err.rows < SEEDED,
    );
    const audit = JSON.parse(
      t.db.prepare(`SELECT after_json FROM audit_log WHERE action = 'export' ORDER BY id DESC`).pluck().get() as string,
    );
    assert.equal(audit.completed, false);
    assert.ok(audit.rows > 0 && audit.rows < SEEDED);
  });
}

for (const readers of ['main', 'worker', 'both'] as const) {
  test(`a destination that fails (a full disk) fails the export, and only the export (read by ${readers})`, async () => {
    let writes = 0;
    const out = new Writable({
      write(_chunk, _enc, cb) {
        writes++;
        // Fail later, asynchronously, as a file system does: the loop is then waiting for rows, not for the disk.
        setTimeout(
          () =>
            cb(writes === 3 ? Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }) : null),
          5,
        );
      },
    });
    await assert.rejects(
      streamExport({ databasePath: t.config.databasePath, format: 'csv', filters: parseFilters({}), readers }, out),
      /ENOSPC/,
    );
  });
}

test('a destination that is never full still lets the event loop turn during the export', async () => {
  const sink = new Writable({ highWaterMark: 1 << 30, write: (_c, _e, cb) => cb() });
  let done = false;
  let turns = 0;
  const tick = () => {
    turns++;
    if (!done) setImmediate(tick);
  };
  setImmediate(tick);
  const rows = await streamExport(
    { databasePath: t.config.databasePath, format: 'csv', filters: parseFilters({}) },
    sink,
  );
  done = true;
  assert.ok(rows >= SEEDED);
  assert.ok(turns >= 2, `other work ran while the export did (${turns} turns)`);
});
