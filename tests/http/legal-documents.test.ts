// The licence conditions and the privacy notice as the publisher's own files (config/documents): each page in
// the reader's language with what the configuration says; a licence shows the conditions of the version it was
// issued under, not a later one; a version missing a language stops the start with the file's name.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { buildTestApp, tempDir } from '../helpers/app.js';
import { addUser, signIn, DESK_ENV } from '../helpers/desk.js';
import { post, submit } from '../helpers/desk-flow.js';
import { projectPath } from '../../src/paths.js';
import { loadLegalTexts, LegalTextsError } from '../../src/documents/legal-texts.js';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A copy of the shipped documents with an older version of the conditions beside the current one. */
function documentsWithOlderVersion(): string {
  const dir = tempDir('reprise-docs-');
  dirs.push(dir);
  fs.cpSync(projectPath('config', 'documents'), dir, { recursive: true });
  for (const locale of ['en', 'fr', 'ar']) {
    fs.writeFileSync(
      path.join(dir, 'conditions', `2026-06.${locale}.txt`),
      `# Old terms\nThe June ${locale} wording.\n`,
    );
  }
  return dir;
}

test('the conditions and the privacy notice, in each language, from the files and the configuration', async () => {
  const t = await buildTestApp({
    PUBLISHER_NAME: 'Le Quotidien Exemple SA',
    PUBLISHER_CONTACT: 'dpo@quotidien.example',
    RETENTION_MONTHS: '18',
  });
  try {
    const en = await request(t.server).get('/licensing/conditions?lang=en').expect(200);
    assert.match(en.text, /Version 2026-12-2/);
    assert.match(en.text, /<h2>Credit and link back<\/h2>/);
    assert.match(en.text, /removes the republished content within 7 days/);
    const fr = await request(t.server).get('/licensing/conditions?lang=fr').expect(200);
    assert.match(fr.text, /<h2>Mention de crédit et lien<\/h2>/);
    const ar = await request(t.server).get('/licensing/conditions?lang=ar').expect(200);
    assert.match(ar.text, /<h2>سطر الإسناد والرابط<\/h2>/);
    const privacy = await request(t.server).get('/licensing/privacy?lang=fr').expect(200);
    assert.match(privacy.text, /Le Quotidien Exemple SA est responsable du traitement/);
    assert.match(privacy.text, /dpo@quotidien\.example/);
    assert.match(privacy.text, /effacées 18 mois après sa clôture/);
  } finally {
    await t.close();
  }
  const off = await buildTestApp({ RETENTION_MONTHS: '0' });
  try {
    const privacy = await request(off.server).get('/licensing/privacy?lang=en').expect(200);
    assert.match(privacy.text, /kept until you ask for its erasure/);
  } finally {
    await off.close();
  }
});

test('a licence keeps the conditions it was issued under when a newer version comes', async () => {
  const t = await buildTestApp({ ...DESK_ENV, LEGAL_DOCUMENTS_DIR: documentsWithOlderVersion(), CHROMIUM_PATH: '' });
  try {
    await addUser(t, 'staff@reprise.test');
    const desk = await signIn(t, 'staff@reprise.test');
    const reference = await submit(t);
    assert.equal((await post(desk, reference, 'start_review')).status, 303);
    const quote = { fee_choice: 'indicative', valid_until: '2099-01-31' };
    assert.equal((await post(desk, reference, 'send_quote', quote)).status, 303);
    const licence = {
      licence_start: '2099-02-01',
      licence_end: '2100-02-01',
      credit_line: 'Originally published by news.example',
      link_back: 'https://news.example/2026/story',
    };
    assert.equal((await post(desk, reference, 'license', licence)).status, 303);
    const row = () =>
      t.db
        .prepare('SELECT access_token, licence_conditions_version FROM requests WHERE reference = ?')
        .get(reference) as {
        access_token: string;
        licence_conditions_version: string;
      };
    assert.equal(row().licence_conditions_version, '2026-12-2', 'the newest version is the one in force');
    // The same licence, issued under June's version (as one issued before December's file arrived would be).
    t.db.prepare(`UPDATE requests SET licence_conditions_version = '2026-06' WHERE reference = ?`).run(reference);
    const page = await request(t.server).get(`/licensing/requests/${row().access_token}/licence`).expect(200);
    assert.match(page.text, /The June en wording\./);
    assert.doesNotMatch(page.text, /Credit and link back/);
    const current = await request(t.server).get('/licensing/conditions').expect(200);
    assert.match(current.text, /Version 2026-12-2/);
  } finally {
    await t.close();
  }
});

test('a version of the conditions missing a language stops the start, naming the file', () => {
  const dir = documentsWithOlderVersion();
  fs.rmSync(path.join(dir, 'conditions', '2026-06.ar.txt'));
  assert.throws(
    () => loadLegalTexts(dir),
    (error: unknown) => error instanceof LegalTextsError && /conditions\/2026-06\.ar\.txt/.test(error.message),
  );
});
