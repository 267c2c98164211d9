// The licence PDF as Chromium prints it, read back with Debian's poppler-utils: real text (the number, the licensee,
// each article title, the code), every font embedded, in English, French and Arabic; the desk downloads the same
// file; a server without Chromium answers 503 with a way out instead of failing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { buildTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { addUser, signIn, DESK_ENV, type Agent } from '../helpers/desk.js';
import { post, submit } from '../helpers/desk-flow.js';
import { validRequest } from '../helpers/fixtures.js';
import { browserSkipReason } from '../helpers/browser.js';
import { programSkipReason } from '../helpers/system-tool.js';
import { simpleParser, type ParsedMail } from 'mailparser';

const skip = browserSkipReason('Licence PDFs') ?? programSkipReason('pdftotext', 'poppler-utils');
let t: TestApp;
let desk: Agent;
const dir = tempDir('reprise-pdf-');

before(async () => {
  if (skip) return;
  t = await buildTestApp({ ...DESK_ENV, CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  await addUser(t, 'staff@reprise.test');
  desk = await signIn(t, 'staff@reprise.test');
});
after(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** A request in `locale`, licensed by the desk; returns its row. */
async function licensedIn(locale: string, overrides: Record<string, unknown> = {}) {
  const reference = await submit(t, { locale, ...overrides });
  assert.equal((await post(desk, reference, 'start_review')).status, 303);
  const quote = { fee_choice: 'final', final_fee: '450', fee_reason: 'Agreed', valid_until: '2099-01-31' };
  assert.equal((await post(desk, reference, 'send_quote', quote)).status, 303);
  const licence = {
    licence_start: '2027-02-01',
    licence_end: '2028-01-31',
    credit_line: 'Originally published by news.example',
    link_back: 'https://news.example/2026/story',
  };
  assert.equal((await post(desk, reference, 'license', licence)).status, 303);
  return t.db.prepare('SELECT * FROM requests WHERE reference = ?').get(reference) as Record<string, string>;
}

function readPdf(file: Buffer, name: string) {
  const where = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(where, file);
  return {
    text: execFileSync('pdftotext', [where, '-'], { encoding: 'utf8' }),
    fonts: execFileSync('pdffonts', [where], { encoding: 'utf8' }),
  };
}

/** Every font line of pdffonts says emb = yes. */
function allEmbedded(fonts: string) {
  const rows = fonts
    .split('\n')
    .slice(2)
    .filter((line) => line.trim());
  assert.ok(rows.length >= 2, fonts);
  for (const row of rows) assert.match(row, /\s+yes\s+yes\s+yes\s+\d+\s+\d+$/, row);
}

const articles = [
  { url: 'https://news.example/2026/story', title: 'A story worth telling', portion: 'full' },
  {
    url: 'https://news.example/2026/second',
    title: 'Élections : le second tour',
    portion: 'extract',
    extractWords: 250,
  },
];

for (const locale of ['en', 'fr']) {
  test(`the ${locale} licence PDF holds its text and embeds its fonts`, { skip }, async () => {
    const row = await licensedIn(locale, { articles });
    const res = await request(t.server)
      .get(`/licensing/requests/${row.access_token}/licence.pdf`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(res.headers['content-disposition'], new RegExp(`attachment; filename="${row.licence_number}.pdf"`));
    const { text, fonts } = readPdf(res.body as Buffer, `${locale}-${row.reference}`);
    const flat = text.replace(/\s+/g, ' ');
    for (const expected of [
      row.licence_number,
      'Daily Planet',
      'A story worth telling',
      'Élections : le second tour',
      row.licence_code.match(/.{4}/g)!.join('-'),
      'Originally published by news.example',
    ]) {
      assert.ok(flat.includes(expected), `${expected} in the ${locale} PDF text:\n${text}`);
    }
    assert.ok(flat.includes(locale === 'fr' ? 'Titulaire' : 'Licensee'), 'in the request’s language');
    allEmbedded(fonts);
  });
}

test('the Arabic licence PDF: Arabic text and the Latin terms come out, fonts embedded', { skip }, async () => {
  const row = await licensedIn('ar', {
    organisation: { ...validRequest().organisation, name: 'دار النشر العربية' },
    articles: [{ url: 'https://news.example/2026/ar', title: 'مقال عن الاقتصاد', portion: 'full' }],
  });
  const res = await request(t.server)
    .get(`/licensing/requests/${row.access_token}/licence.pdf`)
    .buffer(true)
    .parse(binary)
    .expect(200);
  const { text, fonts } = readPdf(res.body as Buffer, `ar-${row.reference}`);
  assert.ok(text.includes(row.licence_number), text);
  assert.ok(text.includes('https://news.example/2026/ar'));
  assert.ok(text.includes(row.licence_code.match(/.{4}/g)!.join('-')));
  // pdftotext marks right-to-left runs with Unicode embedding controls; without them the Arabic words come out
  // whole and in reading order, the lam-alef of "الاقتصاد" and "لا" included.
  const plain = text.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\s+/g, ' ');
  for (const expected of [
    'دار النشر العربية · المملكة المتحدة',
    'مقال عن الاقتصاد',
    'صاحب الترخيص',
    'مانح الترخيص',
    'على الإنترنت',
    'شروط الترخيص',
    'ولا يكون الترخيص حصريا إلا إذا نص على ذلك',
  ]) {
    assert.ok(plain.includes(expected), `${expected} in the Arabic PDF text:\n${plain}`);
  }
  assert.match(plain, / لا /, 'the answer "no" (lam-alef) in order');
  // Numbers keep their digits and their place among the words; poppler puts the spaces around a number run on
  // one side, so the period is compared without them.
  const unspaced = plain.replace(/\s+/g, '');
  assert.ok(unspaced.includes('من1فبراير2027إلى31يناير2028'), `the period in order:\n${plain}`);
  assert.ok(unspaced.includes('50,000'));
  assert.match(fonts, /Amiri/);
  allEmbedded(fonts);
});

test('the licence email carries the licence PDF', { skip }, async () => {
  t.container.worker.start();
  const row = await licensedIn('fr');
  const started = Date.now();
  let mail: ParsedMail | undefined;
  while (!mail && Date.now() - started < 15_000) {
    for (const file of fs.existsSync(t.config.mailDir) ? fs.readdirSync(t.config.mailDir) : []) {
      if (!file.endsWith('.eml')) continue;
      const parsed = await simpleParser(fs.readFileSync(path.join(t.config.mailDir, file)));
      if (parsed.subject?.includes(row.licence_number)) mail = parsed;
    }
    if (!mail) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(mail, 'the licence email was written');
  const [attachment] = mail.attachments;
  assert.equal(attachment?.filename, `${row.licence_number}.pdf`);
  assert.equal(attachment?.contentType, 'application/pdf');
  const { text } = readPdf(attachment!.content, `mail-${row.reference}`);
  assert.ok(text.includes(row.licence_number) && text.includes('Titulaire'), text);
});

test('the desk downloads the same PDF; without Chromium the answer is 503 with a way out', { skip }, async () => {
  const row = await licensedIn('en');
  const fromDesk = await desk
    .get(`/staff/requests/${row.reference}/licence.pdf`)
    .buffer(true)
    .parse(binary)
    .expect(200);
  assert.ok((fromDesk.body as Buffer).subarray(0, 5).equals(Buffer.from('%PDF-')));

  const bare = await buildTestApp({ CHROMIUM_PATH: '' });
  try {
    const reference = await submit(bare);
    bare.db
      .prepare(
        `UPDATE requests SET status = 'licensed', licence_number = 'LIC-2026-900001', licence_code = ?,
        licence_start = '2027-01-01', licence_end = '2027-12-31', licensed_at = '2026-12-01T00:00:00Z',
        credit_line = 'x', link_back = 'https://news.example/x', licence_conditions_version = '2026-12'
        WHERE reference = ?`,
      )
      .run('0'.repeat(20), reference);
    const token = (
      bare.db.prepare('SELECT access_token FROM requests WHERE reference = ?').get(reference) as {
        access_token: string;
      }
    ).access_token;
    await request(bare.server).get(`/licensing/requests/${token}/licence`).expect(200);
    const res = await request(bare.server).get(`/licensing/requests/${token}/licence.pdf`).expect(503);
    assert.equal(res.headers['retry-after'], '3600');
    assert.match(res.text, /Print the licence page from your browser instead/);
  } finally {
    await bare.close();
  }
});
