// The `reprise` command run exactly as the README and docs/ show it: bin/reprise from a checkout,
// `reprise` on the PATH after `npm link`, and `reprise` through a symlink into a built copy
// like /srv/reprise, through /bin/sh where they pipe or redirect. Standard output holds
// nothing but the data; messages go to standard error; exit codes 0/1/2; .env is read and the
// environment wins over it. readme-commands.test.ts holds the README and docs/ to these forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawn, spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import Database from 'better-sqlite3';
import { tempDir } from '../helpers/app.js';
import { sh, shellEnv } from '../helpers/shell.js';
import { projectPath } from '../../src/paths.js';

const checkout = projectPath();
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
let tmp: string;
let dbPath: string;
let references: string[];
let checkoutCsv: Buffer;

/**
 * A copy of the project as deployed: the files a checkout has (no .git, no dist unless built),
 * node_modules linked from this checkout, without tsx when `devTools` is false (what runs then
 * is the build alone).
 */
function copyProject(dest: string, { build, devTools }: { build: boolean; devTools: boolean }): string {
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of [
    'bin',
    'src',
    'config',
    'schemas',
    'migrations',
    'views',
    'public',
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
  ]) {
    fs.cpSync(path.join(checkout, entry), path.join(dest, entry), { recursive: true });
  }
  if (devTools) {
    fs.symlinkSync(path.join(checkout, 'node_modules'), path.join(dest, 'node_modules'));
  } else {
    fs.mkdirSync(path.join(dest, 'node_modules'));
    for (const name of fs.readdirSync(path.join(checkout, 'node_modules'))) {
      if (name !== 'tsx')
        fs.symlinkSync(path.join(checkout, 'node_modules', name), path.join(dest, 'node_modules', name));
    }
  }
  if (build) {
    const tsc = spawnSync(
      process.execPath,
      [path.join(checkout, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: dest,
        encoding: 'utf8',
      },
    );
    assert.equal(tsc.status, 0, `${tsc.stdout}${tsc.stderr}`);
  }
  return dest;
}

function parseCsv(bytes: Buffer): Record<string, string>[] {
  assert.deepEqual(bytes.subarray(0, 3), BOM, 'the CSV starts with the byte-order mark, nothing before it');
  return parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
}

before(() => {
  tmp = tempDir('reprise-cli-');
  dbPath = path.join(tmp, 'data', 'reprise.db');
  const seed = spawnSync(path.join(checkout, 'bin', 'reprise'), ['seed', '--count', '20'], {
    cwd: checkout,
    env: shellEnv({ DATABASE_PATH: dbPath }),
    encoding: 'utf8',
  });
  assert.equal(seed.status, 0, seed.stderr);
  const db = new Database(dbPath, { readonly: true });
  references = db.prepare('SELECT reference FROM requests ORDER BY id').pluck().all() as string[];
  db.close();
  assert.equal(references.length, 20);
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('from the checkout: bin/reprise export --format csv writes the CSV and nothing else to stdout', () => {
  const r = sh('bin/reprise export --format csv', checkout, shellEnv({ DATABASE_PATH: dbPath }));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    parseCsv(r.stdout).map((row) => row.reference),
    references,
  );
  assert.match(r.stderr, /^Exported 20 requests as csv\.\n$/);
  checkoutCsv = r.stdout;
});

test('a checkout without a build runs the source through tsx: the README\'s "> q1.csv" is the same file', () => {
  const copy = copyProject(path.join(tmp, 'source-checkout'), { build: false, devTools: true });
  const r = sh('bin/reprise export --format csv > q1.csv', copy, shellEnv({ DATABASE_PATH: dbPath }));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.length, 0);
  assert.deepEqual(fs.readFileSync(path.join(copy, 'q1.csv')), checkoutCsv);

  // A build at least as new as src/ is what runs; a newer source file (a checkout being edited) runs the source.
  fs.mkdirSync(path.join(copy, 'dist', 'src', 'cli'), { recursive: true });
  fs.writeFileSync(path.join(copy, 'dist', 'src', 'cli', 'main.js'), "process.stdout.write('the build\\n');\n");
  assert.equal(sh('bin/reprise --help', copy, shellEnv()).stdout.toString('utf8'), 'the build\n');
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(path.join(copy, 'src', 'cli', 'commands', 'export.ts'), later, later);
  assert.match(sh('bin/reprise --help', copy, shellEnv()).stdout.toString('utf8'), /^Usage: reprise <command>/);
});

test('exit codes as documented: 0 done, 1 failed, 2 bad arguments; stdout stays empty on errors', () => {
  const run = (line: string, extra: Record<string, string> = {}) =>
    sh(line, checkout, shellEnv({ DATABASE_PATH: dbPath, ...extra }));
  const badFormat = run('bin/reprise export --format xlsx');
  assert.equal(badFormat.code, 2);
  assert.equal(badFormat.stdout.length, 0);
  assert.match(badFormat.stderr, /"format" must be one of csv, json, ndjson/);

  const noCommand = run('bin/reprise');
  assert.equal(noCommand.code, 2);
  assert.equal(noCommand.stdout.length, 0, 'the usage of a mistaken call goes to stderr');
  assert.match(noCommand.stderr, /^Usage: reprise <command>/);

  const help = run('bin/reprise --help');
  assert.equal(help.code, 0);
  assert.match(help.stdout.toString('utf8'), /^Usage: reprise <command>/);
  assert.equal(help.stderr, '');

  const badConfig = run('bin/reprise export --format csv', { RATE_LIMIT_SUBMIT_PER_HOUR: 'many' });
  assert.equal(badConfig.code, 1);
  assert.equal(badConfig.stdout.length, 0);
  assert.match(badConfig.stderr, /Invalid configuration:\n {2}- RATE_LIMIT_SUBMIT_PER_HOUR/);

  const noDatabase = run(`bin/reprise backup --out ${path.join(tmp, 'b.db')}`, {
    DATABASE_PATH: path.join(tmp, 'none.db'),
  });
  assert.equal(noDatabase.code, 1);
  assert.match(noDatabase.stderr, /There is no database at/);
});

test("npm link puts reprise on the PATH; docs/exports.md's export pipeline gives the data, gzipped", () => {
  const prefix = path.join(tmp, 'npm-global');
  // npm link links the package into the global prefix; npm_config_prefix points that at a temp folder.
  const link = sh('npm link', checkout, shellEnv({ npm_config_prefix: prefix }));
  assert.equal(link.code, 0, link.stderr);
  const onPath = shellEnv({ DATABASE_PATH: dbPath }, [path.join(prefix, 'bin')]);
  assert.equal(
    sh('command -v reprise', tmp, onPath).stdout.toString('utf8').trim(),
    path.join(prefix, 'bin', 'reprise'),
  );

  const r = sh('reprise export --format ndjson | gzip > all.ndjson.gz', tmp, onPath);
  assert.equal(r.code, 0, r.stderr);
  const lines = zlib
    .gunzipSync(fs.readFileSync(path.join(tmp, 'all.ndjson.gz')))
    .toString('utf8')
    .trimEnd()
    .split('\n');
  assert.deepEqual(
    lines.map((l) => (JSON.parse(l) as { reference: string }).reference),
    references,
  );
  assert.deepEqual(sh('reprise export --format csv', tmp, onPath).stdout, checkoutCsv);
});

test('a built copy with no dev tools (like /srv/reprise) says what is missing before it is built', () => {
  const copy = copyProject(path.join(tmp, 'unbuilt'), { build: false, devTools: false });
  const r = sh('bin/reprise export --format csv', copy, shellEnv({ DATABASE_PATH: dbPath }));
  assert.equal(r.code, 1);
  assert.equal(r.stdout.length, 0);
  assert.match(r.stderr, /^reprise: no build in .*: run "npm ci && npm run build" in /);
});

test('installed like /srv/reprise, linked from another folder: settings from its .env, the environment wins', () => {
  const srv = copyProject(path.join(tmp, 'srv', 'reprise'), { build: true, devTools: false });
  fs.writeFileSync(
    path.join(srv, '.env'),
    `DATABASE_PATH=${dbPath}\nMAIL_FROM=Reprise <licensing@example.org>\nPASSWORD_SCRYPT_LOG2N=10\n`,
  );
  const binDir = path.join(tmp, 'usr-local-bin');
  fs.mkdirSync(binDir);
  fs.symlinkSync(path.join(srv, 'bin', 'reprise'), path.join(binDir, 'reprise'));
  const base = shellEnv({}, [binDir]);
  delete base.PASSWORD_SCRYPT_LOG2N;

  const fromDotEnv = sh('reprise export --format csv', tmp, base);
  assert.equal(fromDotEnv.code, 0, fromDotEnv.stderr);
  assert.deepEqual(fromDotEnv.stdout, checkoutCsv, 'DATABASE_PATH came from .env; the build wrote the same bytes');

  const other = path.join(tmp, 'other', 'reprise.db');
  const fromEnvironment = sh('reprise export --format csv', tmp, { ...base, DATABASE_PATH: other });
  assert.equal(fromEnvironment.code, 0, fromEnvironment.stderr);
  assert.equal(parseCsv(fromEnvironment.stdout).length, 0, "the environment's database, empty, not the one in .env");
  assert.ok(fs.existsSync(other));

  // The README's scripted form of the first admin, then the account list as data on stdout.
  const add = sh(`printf '%s\\n' "$PASSWORD" | reprise user add --email desk-lead@example.org --role admin`, tmp, {
    ...base,
    PASSWORD: 'a first admin password',
  });
  assert.equal(add.code, 0, add.stderr);
  assert.equal(add.stdout.length, 0);
  const list = sh('reprise user list', tmp, base);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout.toString('utf8'), /^desk-lead@example\.org\tadmin\tactive\t/m);
  const db = new Database(dbPath, { readonly: true });
  const hash = db
    .prepare("SELECT password_hash FROM users WHERE email = 'desk-lead@example.org'")
    .pluck()
    .get() as string;
  db.close();
  assert.match(hash, /^scrypt\$10\$/, 'PASSWORD_SCRYPT_LOG2N=10 came from .env');

  // Without tsx the build runs even when a source file is newer (nothing else could run).
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(path.join(srv, 'src', 'cli', 'main.ts'), later, later);
  const help = sh('reprise --help', tmp, base);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout.toString('utf8'), /^Usage: reprise <command>/);
});

const oldNode = ['/usr/bin/node', '/usr/bin/nodejs'].find((p) => {
  const v = spawnSync(p, ['--version'], { encoding: 'utf8' })
    .stdout?.trim()
    .match(/^v(\d+)\.(\d+)/);
  return v && (Number(v[1]) < 22 || (Number(v[1]) === 22 && Number(v[2]) < 12));
});
test(
  'run by a Node older than 22.12, the command says which Node it needs',
  { skip: oldNode ? false : 'no Node older than 22.12 on this machine' },
  () => {
    const r = spawnSync(oldNode!, [path.join(checkout, 'bin', 'reprise'), 'export', '--format', 'csv'], {
      env: shellEnv({ DATABASE_PATH: dbPath }),
      encoding: 'utf8',
    });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^reprise: needs Node\.js 22\.12 or later \(24 recommended\); .* is v\d+/);
  },
);

test('npm start reads .env, and a variable set in the environment wins over it', async () => {
  const srv = path.join(tmp, 'srv', 'reprise');
  const startDb = path.join(tmp, 'start', 'reprise.db');
  fs.writeFileSync(
    path.join(srv, '.env'),
    [
      'HOST=127.0.0.1',
      'PORT=0',
      `DATABASE_PATH=${startDb}`,
      `MAIL_DIR=${path.join(tmp, 'start', 'mail')}`,
      'LOG_LEVEL=silent',
      'WRITER_THREAD=0',
      '',
    ].join('\n'),
  );
  // LOG_LEVEL=info from the environment: if .env won, the service would log nothing and never be seen listening.
  const child = spawn('npm', ['start'], {
    cwd: srv,
    env: shellEnv({ LOG_LEVEL: 'info' }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not listen:\n${out}`)), 60_000);
      child.stdout.on('data', () => {
        const m = /listening on (http:\/\/[^/]+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      void exited.then(() => reject(new Error(`npm start exited:\n${out}`)));
    });
    assert.ok(fs.existsSync(startDb), 'DATABASE_PATH came from .env');
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
});
