// Licence PDFs under the service's systemd sandbox: Chromium, started by the service, prints under the system call
// filter deploy/reprise.service sets (SystemCallFilter=, applied by scripts/under-syscall-filter.py with seccomp as
// systemd applies it). Without the unit's capset line the same print fails, so the filter is really in force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../helpers/app.js';
import { findProgram } from '../helpers/system-tool.js';
import { browserSkipReason } from '../helpers/browser.js';
import { projectPath } from '../../src/paths.js';

const seccomp = spawnSync('/usr/bin/python3', ['-c', 'import seccomp'], { encoding: 'utf8' }).status === 0;
const skip =
  browserSkipReason('Licence PDFs') ??
  (findProgram('systemd-analyze') ? undefined : 'systemd-analyze is not installed') ??
  (findProgram('pdftotext') ? undefined : 'pdftotext (poppler-utils) is not installed') ??
  (seccomp ? undefined : 'python3-seccomp is not installed');

function printUnder(unit: string) {
  const out = path.join(tempDir(), 'licence.pdf');
  const run = spawnSync(
    '/usr/bin/python3',
    [
      projectPath('scripts', 'under-syscall-filter.py'),
      unit,
      '--',
      process.execPath,
      '--import',
      'tsx',
      projectPath('tests', 'helpers', 'print-pdf.ts'),
      out,
    ],
    { cwd: projectPath(), encoding: 'utf8', timeout: 60_000 },
  );
  return { run, out };
}

test('a licence PDF prints under the service unit’s system call filter', { skip, timeout: 120_000 }, () => {
  const { run, out } = printUnder(projectPath('deploy', 'reprise.service'));
  assert.equal(run.status, 0, run.stderr);
  const text = spawnSync('pdftotext', [out, '-'], { encoding: 'utf8' }).stdout;
  assert.match(text, /LIC-2026-000001/);
  assert.match(text, /الترخيص/);

  // The same unit without the line that allows capset: Chromium's page crashes, nothing is printed.
  const unit = fs.readFileSync(projectPath('deploy', 'reprise.service'), 'utf8');
  assert.match(unit, /^SystemCallFilter=capset$/m);
  const without = path.join(tempDir(), 'reprise.service');
  fs.writeFileSync(without, unit.replace(/^SystemCallFilter=capset\n/m, ''));
  // Chromium's page process then crashes or hangs, depending on the machine: either way no PDF, and a failure.
  const refused = printUnder(without);
  assert.notEqual(refused.run.status, 0, refused.run.stderr);
  assert.equal(fs.existsSync(refused.out), false);
});
