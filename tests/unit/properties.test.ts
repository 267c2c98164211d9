// Property tests (fast-check): the validator never throws whatever JSON arrives,
// and arbitrary Unicode text survives store → export → parse unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import { createValidators } from '../../src/validation/ajv.js';
import { streamExport } from '../../src/export/stream.js';
import { buildTestApp } from '../helpers/app.js';
import { validRequest } from '../helpers/fixtures.js';

const validators = createValidators();

test('the validator never throws on arbitrary JSON and always names paths', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
      for (const schema of ['licensing-request', 'quote-request']) {
        const r = validators.validate(schema, value);
        if (!r.ok) assert.ok(r.issues.every((i) => typeof i.path === 'string' && typeof i.key === 'string'));
      }
    }),
    { numRuns: 2000 },
  );
});

test('the validator never throws on near-valid requests with one field replaced by anything', () => {
  const base = validRequest() as Record<string, unknown>;
  const keys = Object.keys(base);
  fc.assert(
    fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), (key, value) => {
      validators.validate('licensing-request', { ...base, [key]: value });
    }),
    { numRuns: 1000 },
  );
});

/** Text a person could type: any Unicode except controls and bidi overrides (refused by design). */
const typed = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
  .map((s) =>
    s
      .replace(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF\u2028\u2029]/g, '')
      .normalize('NFC')
      .trim(),
  )
  .filter((s) => s.length > 0 && !/^[=+\-@]/.test(s));

test('arbitrary Unicode survives store → export (CSV and NDJSON) → parse', { timeout: 120_000 }, async () => {
  const t = await buildTestApp();
  try {
    const samples = fc.sample(fc.tuple(typed, typed), 40);
    samples.push(
      ['Le Monde diplomatique — « édition spéciale »', 'مرحبا بالعالم: تقرير خاص 🌍'],
      ['東京新聞', 'Zürich 👩🏽‍💻 naïve café'],
    );
    const expected = new Map<string, [string, string]>();
    for (const [org, message] of samples) {
      const out = await t.container.services.submissions.submit(
        validRequest({ organisation: { ...validRequest().organisation, name: org }, message }),
        { locale: 'en' },
      );
      assert.equal(out.kind, 'created', JSON.stringify({ org, message, out }));
      if (out.kind === 'created') expected.set(out.request.reference, [org, message]);
    }
    const run = async (format: 'csv' | 'ndjson') => {
      const sink = new PassThrough();
      const chunks: Buffer[] = [];
      sink.on('data', (c: Buffer) => chunks.push(c));
      await streamExport(
        {
          databasePath: t.config.databasePath,
          format,
          filters: { from: null, to: null, statuses: [], licences: null },
        },
        sink,
      );
      sink.end();
      return Buffer.concat(chunks).toString('utf8');
    };
    const records = parseCsv((await run('csv')).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    const [refCol, orgCol, msgCol] = ['reference', 'organisation.name', 'message'];
    assert.ok(
      [refCol, orgCol, msgCol].every((c) => c in records[0]),
      Object.keys(records[0]).join(),
    );
    for (const r of records) {
      const [org, message] = expected.get(r[refCol])!;
      assert.equal(r[orgCol], org);
      assert.equal(r[msgCol], message);
    }
    assert.equal(records.length, expected.size);
    const lines = (await run('ndjson'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    for (const l of lines) {
      const [org, message] = expected.get(l.reference)!;
      assert.equal(l.organisation.name, org);
      assert.equal(l.message, message);
    }
  } finally {
    await t.close();
  }
});
