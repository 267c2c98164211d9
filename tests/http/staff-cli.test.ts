// `reprise user …` as an operator runs it: a real process, the password on
// standard input, the configured SQLite file, exit codes 0/1/2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/app.js';
import { openDatabase } from '../../src/db/connection.js';
import { verifyPassword } from '../../src/auth/password.js';

let dir: string;
before(() => {
  dir = tempDir();
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function reprise(args: string[], input = '') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'user', ...args], {
    input,
    encoding: 'utf8',
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_PATH: path.join(dir, 'reprise.db'),
      PASSWORD_SCRYPT_LOG2N: '12',
      LOG_LEVEL: 'silent',
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const row = (email: string) => {
  const db = openDatabase(path.join(dir, 'reprise.db'));
  try {
    return db.prepare('SELECT * FROM users WHERE email = ?').get(email) as
      { password_hash: string; role: string; disabled_at: string | null } | undefined;
  } finally {
    db.close();
  }
};

test('user add reads the password from the first line of stdin and stores only its scrypt hash', async () => {
  const r = reprise(
    ['add', '--email', 'Lead@Example.org', '--role', 'admin'],
    'the first admin password\nignored second line\n',
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /Added admin lead@example\.org/);
  const u = row('lead@example.org')!;
  assert.equal(u.role, 'admin');
  assert.match(u.password_hash, /^scrypt\$12\$8\$1\$/);
  assert.ok(await verifyPassword('the first admin password', u.password_hash));
});

test('list prints accounts on stdout; refusals exit 1; bad arguments exit 2', () => {
  reprise(['add', '--email', 'desk@example.org', '--role', 'staff'], 'a desk staff password\n');
  const list = reprise(['list']);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^desk@example\.org\tstaff\tactive\tnever signed in$/m);
  assert.match(list.stdout, /^lead@example\.org\tadmin\tactive/m);
  assert.equal(reprise(['add', '--email', 'weak@example.org', '--role', 'staff'], 'short\n').code, 1);
  assert.equal(reprise(['add', '--email', 'desk@example.org', '--role', 'staff'], 'a desk staff password\n').code, 1);
  assert.equal(reprise(['add', '--email', 'x@example.org', '--role', 'boss'], 'whatever password\n').code, 2);
  assert.equal(reprise(['frobnicate']).code, 2);
  assert.equal(reprise(['disable']).code, 2);
  assert.equal(reprise(['disable', '--email', 'nobody@example.org']).code, 1);
});

test('disable, enable and reset-password; the only admin cannot be disabled', async () => {
  assert.equal(reprise(['disable', '--email', 'lead@example.org']).code, 1);
  assert.equal(reprise(['disable', '--email', 'desk@example.org']).code, 0);
  assert.ok(row('desk@example.org')!.disabled_at);
  assert.equal(reprise(['enable', '--email', 'desk@example.org']).code, 0);
  assert.equal(row('desk@example.org')!.disabled_at, null);
  assert.equal(reprise(['reset-password', '--email', 'desk@example.org'], 'a completely new password\n').code, 0);
  assert.ok(await verifyPassword('a completely new password', row('desk@example.org')!.password_hash));
  const db = openDatabase(path.join(dir, 'reprise.db'));
  const actions = db.prepare(`SELECT action, actor FROM audit_log WHERE subject_type = 'user' ORDER BY id`).all() as {
    action: string;
    actor: string;
  }[];
  db.close();
  assert.deepEqual(
    actions.map((a) => a.action),
    ['user.add', 'user.add', 'user.disable', 'user.enable', 'user.password_reset'],
  );
  assert.ok(actions.every((a) => a.actor === 'cli'));
});

test('reset-factors removes the authenticator, recovery codes, passkeys and single sign-on link and ends the sessions; reset-password keeps them', () => {
  assert.equal(reprise(['add', '--email', 'phone@example.org', '--role', 'staff'], 'a lost phone password\n').code, 0);
  const db = openDatabase(path.join(dir, 'reprise.db'));
  try {
    const { id } = db.prepare(`SELECT id FROM users WHERE email = 'phone@example.org'`).get() as { id: number };
    db.prepare(`UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP', totp_enrolled_at = '2026-12-01' WHERE id = ?`).run(
      id,
    );
    db.prepare(`INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, 'h', '2026-12-01')`).run(id);
    db.prepare(
      `INSERT INTO passkeys (user_id, credential_id, public_key, name, created_at)
      VALUES (?, 'cred', x'00', 'Phone', '2026-12-01')`,
    ).run(id);
    db.prepare(
      `INSERT INTO sso_identities (user_id, issuer, subject, email, linked_at)
      VALUES (?, 'https://id.example', 'sub', 'phone@example.org', '2026-12-01')`,
    ).run(id);
    db.prepare(`INSERT INTO sessions (sid, data, user_id, expires_at) VALUES ('s', '{}', ?, ?)`).run(
      id,
      Date.now() + 60_000,
    );
    assert.equal(reprise(['reset-password', '--email', 'phone@example.org'], 'a brand new password\n').code, 0);
    const kept = db.prepare('SELECT totp_secret FROM users WHERE id = ?').pluck().get(id);
    assert.equal(kept, 'JBSWY3DPEHPK3PXP', 'a password reset keeps the second factor');

    db.prepare(`INSERT INTO sessions (sid, data, user_id, expires_at) VALUES ('t', '{}', ?, ?)`).run(
      id,
      Date.now() + 60_000,
    );
    const reset = reprise(['reset-factors', '--email', 'phone@example.org']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stderr, /second factor of phone@example\.org is removed/);
    assert.equal(db.prepare('SELECT totp_secret FROM users WHERE id = ?').pluck().get(id), null);
    assert.equal(db.prepare('SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?').pluck().get(id), 0);
    assert.equal(db.prepare('SELECT COUNT(*) FROM passkeys WHERE user_id = ?').pluck().get(id), 0);
    assert.equal(db.prepare('SELECT COUNT(*) FROM sso_identities WHERE user_id = ?').pluck().get(id), 0);
    assert.equal(db.prepare('SELECT COUNT(*) FROM sessions WHERE user_id = ?').pluck().get(id), 0);
    const audit = db
      .prepare(`SELECT actor FROM audit_log WHERE action = 'user.reset_factors' AND subject_id = ?`)
      .pluck()
      .all(String(id));
    assert.deepEqual(audit, ['cli']);
    assert.equal(reprise(['reset-factors', '--email', 'nobody@example.org']).code, 1);
  } finally {
    db.close();
  }
});
