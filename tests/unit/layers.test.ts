// The layers' direction is enforced by `npm run lint` (eslint.config.js): an import against
// it fails, an import along it passes. Checked here with ESLint's own API on sample files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function importProblems(filePath: string, specifier: string): Promise<string[]> {
  const code = `import * as imported from '${specifier}';\nexport const used = imported;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const AGAINST: [string, string][] = [
  ['src/http/public/form.ts', '../../db/connection.js'],
  ['src/http/desk/queue.ts', '../../db/repos/desk-queries.js'],
  ['src/http/routes.ts', '../container.js'],
  ['src/http/admin/export.ts', '../../export/stream.js'],
  ['src/http/api/requests.ts', '../../mail/templates.js'],
  ['src/services/submit-request.ts', '../http/core/render.js'],
  ['src/services/desk-queue.ts', '../container.js'],
  ['src/db/repos/export-queries.ts', '../../export/filters.js'],
  ['src/db/writer/group-commit.ts', '../../services/submit-request.js'],
  ['src/db/repos/requests.ts', '../../http/core/posted.js'],
  ['src/domain/quote.ts', '../db/connection.js'],
  ['src/domain/quote.ts', '../validation/ajv.js'],
  ['src/domain/quote.ts', 'node:fs'],
  ['src/domain/workflow.ts', 'express'],
  ['src/mail/outbox-worker.ts', '../services/submit-request.js'],
  ['src/export/stream.ts', '../http/core/render.js'],
  ['src/validation/ajv.ts', '../db/connection.js'],
  ['src/errors.ts', './domain/request.js'],
  ['src/config.ts', './db/connection.js'],
  ['src/cli/commands/export.ts', '../../http/routes.js'],
];

const ALONG: [string, string][] = [
  ['src/http/public/form.ts', '../../services/services.js'],
  ['src/http/public/form.ts', '../../domain/request.js'],
  ['src/services/submit-request.ts', '../db/writer/index.js'],
  ['src/services/exports.ts', '../export/stream.js'],
  ['src/db/repos/requests.ts', '../../domain/request.js'],
  ['src/domain/quote.ts', './dates.js'],
  ['src/domain/dates.ts', '../memo/bounded-memo.js'],
  ['src/domain/workflow.ts', '../errors.js'],
  ['src/mail/templates.ts', '../db/repos/outbox.js'],
  ['src/config.ts', './email-address.js'],
];

test('an import against the layers fails the lint, with the reason', async () => {
  for (const [file, specifier] of AGAINST) {
    const problems = await importProblems(file, specifier);
    assert.equal(problems.length, 1, `${file} importing ${specifier} should be refused`);
    assert.match(problems[0]!, /never|only|nothing/, problems[0]);
  }
});

test('an import along the layers passes', async () => {
  for (const [file, specifier] of ALONG) {
    assert.deepEqual(await importProblems(file, specifier), [], `${file} importing ${specifier} should pass`);
  }
});
