// The export engine against a real SQLite file: CSV, JSON and NDJSON parsed back
// with real parsers and compared with the database rows; formula cells
// neutralised in CSV only; Arabic, French and emoji intact; date and status filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { requestRows, setStatus, submitAt } from '../helpers/export-seed.js';
import { streamExport } from '../../src/export/stream.js';
import { parseFilters } from '../../src/export/filters.js';
import { chunkReader } from '../../src/db/repos/export-queries.js';
import { plansOf } from '../helpers/query-plans.js';
import type { ExportFormat } from '../../src/export/formatter.js';

let t: TestApp;
type Obj = Record<string, unknown>;
interface ExportRecord {
  reference: string;
  status: string;
  locale: string;
  message: unknown;
  currency: string;
  requester: Obj;
  organisation: Obj;
  usage: Obj;
  quote: Obj;
  fee: Obj;
  licence: Obj;
  articles: Obj[];
  licensedAt: unknown;
}
const refs: string[] = [];

async function exportText(format: ExportFormat, raw: Record<string, unknown> = {}) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const rows = await streamExport({ databasePath: t.config.databasePath, format, filters: parseFilters(raw) }, out);
  out.end();
  return { rows, bytes: Buffer.concat(chunks) };
}

before(async () => {
  t = await buildTestApp();
  refs.push(
    await submitAt(t, '2026-01-10T09:00:00Z', {
      locale: 'ar',
      requester: { name: 'ليلى حداد', email: 'layla@example.org', phone: '+961 1 234 567', jobTitle: 'محررة' },
      organisation: { name: '=HYPERLINK("http://evil.example","click")', type: 'ngo', country: 'LB', nonProfit: true },
      message: 'نود إعادة نشر المقال 📰\nمع الشكر, "شكراً"',
    }),
  );
  refs.push(
    await submitAt(t, '2026-02-15T12:00:00Z', {
      locale: 'fr',
      requester: { name: 'Élodie Mérieux', email: 'elodie@example.fr', jobTitle: '@rédactrice' },
      organisation: { name: 'Le Monde Diplomatique', type: 'newspaper', country: 'FR', nonProfit: false },
      articles: [
        { url: 'https://news.example/a', title: "L'été où tout a changé", portion: 'full' },
        { url: 'https://news.example/b', title: '-2 degrés, encore', portion: 'extract', extractWords: 400 },
      ],
      message: 'Merci beaucoup — à bientôt 🎉',
    }),
  );
  refs.push(await submitAt(t, '2026-03-31T23:59:00Z', { message: undefined }));
  setStatus(t, refs[1], 'licensed');
  setStatus(t, refs[2], 'declined');
  t.db
    .prepare(
      `UPDATE requests SET final_fee_minor = 12345, licence_number = 'LIC-2026-000001',
    licensed_at = '2026-02-20T10:00:00.000Z', closed_at = '2026-02-20T10:00:00.000Z' WHERE reference = ?`,
    )
    .run(refs[1]);
});
after(() => t.close());

test('CSV: BOM, one header, one row per request, values equal to the database', async () => {
  const { rows, bytes } = await exportText('csv');
  assert.equal(rows, 3);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8');
  assert.ok(text.includes('\r\n'), 'RFC 4180 line ends');
  const records = parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
  const db = requestRows(t);
  assert.equal(records.length, db.length);
  for (const [i, rec] of records.entries()) {
    const r = db[i];
    assert.equal(rec.reference, r.reference);
    assert.equal(rec.status, r.status);
    assert.equal(rec.createdAt, r.created_at);
    assert.equal(rec['requester.email'], r.requester_email);
    assert.equal(rec['usage.audience'], String(r.audience));
    assert.equal(rec['usage.countries'], r.countries);
    assert.equal(rec['organisation.nonProfit'], r.org_non_profit ? 'true' : 'false');
    assert.equal(rec['quote.totalMinor'], r.quote_total_minor === null ? '' : String(r.quote_total_minor));
    assert.equal(rec.currency, r.currency);
    assert.equal(rec['fee.finalMinor'], r.final_fee_minor === null ? '' : String(r.final_fee_minor));
    assert.equal(rec['licence.number'], r.licence_number ?? '');
    assert.equal(rec.closedAt, r.closed_at ?? '');
    const joined = r.articles
      .map(
        (a) =>
          `${a.position}. ${a.title} <${a.url}> (${a.portion}${a.extract_words ? `, ${a.extract_words} words` : ''})`,
      )
      .join('; ');
    assert.equal(rec.articles.replace(/^'/, ''), joined);
  }
  // Arabic, French and emoji survive; the multi-line message stays one cell.
  assert.equal(records[0]['requester.name'], 'ليلى حداد');
  assert.equal(records[0].message, db[0].message);
  assert.equal(records[1]['requester.name'], 'Élodie Mérieux');
  assert.equal(records[1].message, 'Merci beaucoup — à bientôt 🎉');
  assert.equal(records[2].message, '');
});

test('CSV neutralises cells that start like a formula; JSON and NDJSON carry them unchanged', async () => {
  const csv = parse((await exportText('csv')).bytes, { bom: true, columns: true }) as Record<string, string>[];
  assert.equal(csv[0]['organisation.name'], `'=HYPERLINK("http://evil.example","click")`);
  assert.equal(csv[0]['requester.phone'], `'+961 1 234 567`);
  assert.equal(csv[1]['requester.jobTitle'], `'@rédactrice`);
  assert.ok(csv[1].articles.includes('2. -2 degrés, encore'), 'only the start of a cell matters');

  const json = JSON.parse((await exportText('json')).bytes.toString('utf8'));
  assert.equal(json[0].organisation.name, '=HYPERLINK("http://evil.example","click")');
  assert.equal(json[0].requester.phone, '+961 1 234 567');
  assert.equal(json[1].requester.jobTitle, '@rédactrice');
  assert.equal(json[1].articles[1].title, '-2 degrés, encore');
});

test('JSON and NDJSON: typed records equal to the database rows', async () => {
  const json = JSON.parse((await exportText('json')).bytes.toString('utf8')) as ExportRecord[];
  const nd = (await exportText('ndjson')).bytes.toString('utf8');
  assert.ok(nd.endsWith('\n'));
  const lines = nd
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(lines, json, 'NDJSON holds the same records as JSON');
  const db = requestRows(t);
  assert.equal(json.length, db.length);
  for (const [i, rec] of json.entries()) {
    const r = db[i];
    assert.equal(rec.reference, r.reference);
    assert.equal(rec.status, r.status);
    assert.equal(rec.locale, r.locale);
    assert.deepEqual(rec.requester, {
      name: r.requester_name,
      email: r.requester_email,
      phone: r.requester_phone,
      jobTitle: r.requester_job_title,
    });
    assert.equal(rec.organisation.name, r.org_name);
    assert.equal(rec.organisation.nonProfit, r.org_non_profit === 1);
    assert.deepEqual(rec.usage.countries, (r.countries as string).split(' ').filter(Boolean));
    assert.equal(rec.usage.audience, r.audience);
    assert.equal(rec.usage.startDate, r.start_date);
    assert.equal(rec.usage.exclusive, r.exclusive === 1);
    assert.equal(rec.message, r.message);
    assert.equal(rec.quote.totalMinor, r.quote_total_minor);
    assert.equal(rec.quote.referToDesk, r.refer_to_desk === 1);
    assert.equal(rec.currency, r.currency);
    assert.equal(rec.fee.finalMinor, r.final_fee_minor);
    assert.equal(rec.licence.number, r.licence_number);
    assert.equal(rec.licensedAt, r.licensed_at);
    assert.deepEqual(
      rec.articles,
      r.articles.map((a) => ({ url: a.url, title: a.title, portion: a.portion, extractWords: a.extract_words })),
    );
  }
  assert.equal(json[0].message, 'نود إعادة نشر المقال 📰\nمع الشكر, "شكراً"');
});

test('filters: date range on the submission day (both ends included) and status', async () => {
  const refsOf = async (raw: Record<string, unknown>) =>
    (JSON.parse((await exportText('json', raw)).bytes.toString('utf8')) as { reference: string }[]).map(
      (r) => r.reference,
    );
  assert.deepEqual(await refsOf({ from: '2026-02-01' }), [refs[1], refs[2]]);
  assert.deepEqual(await refsOf({ to: '2026-03-31' }), refs, 'the last day counts whole');
  assert.deepEqual(await refsOf({ from: '2026-01-11', to: '2026-03-30' }), [refs[1]]);
  assert.deepEqual(await refsOf({ status: 'licensed,declined' }), [refs[1], refs[2]]);
  assert.deepEqual(await refsOf({ status: ['new'], to: '2026-12-31' }), [refs[0]]);
  assert.deepEqual(await refsOf({ from: '2027-01-01' }), []);
  assert.equal((await exportText('json', { from: '2027-01-01' })).bytes.toString('utf8'), '[]\n');
  const emptyCsv = parse((await exportText('csv', { status: 'spam' })).bytes, { bom: true });
  assert.equal(emptyCsv.length, 1, 'an empty CSV still has its header');
});

test('rows come in stored order, and a date filter is exact even when the clock went back between submissions', async () => {
  const other = await buildTestApp();
  try {
    const late = await submitAt(other, '2026-02-15T12:00:00Z');
    const early = await submitAt(other, '2026-01-20T08:00:00Z'); // stored second, dated first
    const last = await submitAt(other, '2026-03-01T10:00:00Z');
    const refsOf = async (raw: Record<string, unknown>) => {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      await streamExport(
        { databasePath: other.config.databasePath, format: 'ndjson', filters: parseFilters(raw) },
        out,
      );
      return Buffer.concat(chunks)
        .toString('utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { reference: string }).reference);
    };
    assert.deepEqual(await refsOf({}), [late, early, last]);
    assert.deepEqual(await refsOf({ from: '2026-01-01', to: '2026-01-31' }), [early]);
    assert.deepEqual(await refsOf({ from: '2026-02-01' }), [late, last]);
    assert.deepEqual(await refsOf({ from: '2026-01-20', to: '2026-02-15' }), [late, early]);
    assert.deepEqual(await refsOf({ to: '2026-01-19' }), []);
  } finally {
    other.close();
  }
});

test('the export reads the table once in stored order: no sort of the table, whatever the filters', () => {
  for (const raw of [{}, { from: '2026-02-01', to: '2026-03-01' }, { status: 'licensed' }]) {
    const [plan] = plansOf(t.config.databasePath, (db) => chunkReader(db, "''", '', parseFilters(raw))(0, 1)).map((p) =>
      p.split(' | '),
    );
    assert.ok(plan, 'the chunk query ran');
    // (Each chunk's 200 lines are put in order for group_concat: that small sort is allowed.)
    assert.ok(!plan.some((d) => /TEMP B-TREE FOR ORDER BY/.test(d)), `no sort: ${plan.join(' | ')}`);
    assert.ok(
      plan.some((d) => /^(SCAN r$|SEARCH r USING INTEGER PRIMARY KEY)/.test(d)),
      `rowid order: ${plan.join(' | ')}`,
    );
  }
});

test('bad filters are refused with a clear message', () => {
  assert.throws(() => parseFilters({ from: '../../etc/passwd' }), /"from" must be a date/);
  assert.throws(() => parseFilters({ to: '2026-02-30' }), /"to" must be a date/);
  assert.throws(() => parseFilters({ status: 'licensed;DROP' }), /"status" must be one or more of/);
  assert.throws(() => parseFilters({ from: '2026-03-01', to: '2026-02-01' }), /must not be after/);
});
