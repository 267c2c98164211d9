// The systemd units in deploy/ as an operator installs them: the hardening they promise is
// written in them, `systemd-analyze verify` finds nothing to say about them, `systemd-analyze
// security` rates them "OK" or better, and the settings template is one both systemd and the
// service read alike. Without systemd-analyze the checks that need it are skipped, in CI too:
// docs/operations.md asks for them "where systemd-analyze is available".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseEnv } from 'node:util';
import { tempDir } from '../helpers/app.js';
import { findProgram } from '../helpers/system-tool.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { projectPath } from '../../src/paths.js';

const deploy = projectPath('deploy');
const SERVICES = ['reprise.service', 'litestream.service', 'reprise-backup.service'];
const UNITS = [...SERVICES, 'reprise-backup.timer'];

type Unit = Map<string, [string, string][]>;

/** Sections → [key, value] in order (a key may repeat, as SystemCallFilter= does). */
function parseUnit(file: string): Unit {
  const unit: Unit = new Map();
  let section = '';
  for (const raw of fs.readFileSync(path.join(deploy, file), 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      unit.set(section, []);
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(eq > 0 && section, `${file}: "${line}" is not a setting in a section`);
    unit.get(section)!.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return unit;
}

const values = (unit: Unit, section: string, key: string) =>
  (unit.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);
const value = (unit: Unit, section: string, key: string) => values(unit, section, key).at(-1);

const systemdAnalyze = findProgram('systemd-analyze');
const skipAnalyze = systemdAnalyze
  ? undefined
  : 'systemd-analyze not found (apt-get install -y --no-install-recommends systemd); the units are not verified here';
if (skipAnalyze) process.stderr.write(`\n*** SKIPPED: ${skipAnalyze}\n\n`);

/**
 * The units copied to a temp folder, with only the paths of the programs they run changed to ones
 * that exist on this machine (this Node, the Litestream binary from node_modules), since verify
 * checks that each ExecStart program is there. Everything else is byte for byte what ships.
 */
function installableCopies(): string {
  const dir = tempDir();
  const litestream = projectPath('node_modules', '@flydotio', 'litestream-linux-x64', 'litestream');
  assert.ok(fs.existsSync(litestream), 'the Litestream binary from devDependencies');
  for (const file of UNITS) {
    const text = fs
      .readFileSync(path.join(deploy, file), 'utf8')
      .replaceAll('/usr/local/bin/node', process.execPath)
      .replaceAll('/usr/local/bin/litestream', litestream);
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function verify(dir: string, files: string[]) {
  const run = spawnSync(systemdAnalyze!, ['verify', '--man=no', ...files.map((f) => path.join(dir, f))], {
    encoding: 'utf8',
    cwd: dir,
  });
  // Complaints about the host's own units (a container's missing devices…) are not ours to fix.
  const ours = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((l) => l.includes(dir) || UNITS.some((u) => l.includes(u)));
  return { status: run.status, ours, all: `${run.stdout}${run.stderr}` };
}

test('every service runs as the user reprise with the promised sandbox', () => {
  for (const file of SERVICES) {
    const unit = parseUnit(file);
    const s = (key: string) => value(unit, 'Service', key);
    assert.equal(s('User'), 'reprise', `${file} User=`);
    assert.equal(s('Group'), 'reprise', `${file} Group=`);
    for (const [key, expected] of Object.entries({
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      PrivateDevices: 'yes',
      ProtectKernelTunables: 'yes',
      ProtectKernelModules: 'yes',
      ProtectKernelLogs: 'yes',
      ProtectControlGroups: 'yes',
      ProtectClock: 'yes',
      ProtectHostname: 'yes',
      RestrictNamespaces: 'yes',
      RestrictRealtime: 'yes',
      RestrictSUIDSGID: 'yes',
      LockPersonality: 'yes',
      SystemCallArchitectures: 'native',
      UMask: '0077',
      CapabilityBoundingSet: '',
      AmbientCapabilities: '',
      SystemCallErrorNumber: 'EPERM',
    })) {
      assert.equal(s(key), expected, `${file} ${key}=`);
    }
    assert.ok(s('ReadWritePaths')!.split(/\s+/).includes('/var/lib/reprise'), `${file} may write the data folder`);
    const families = s('RestrictAddressFamilies')!.split(/\s+/);
    assert.ok(
      families.every((f) => ['AF_INET', 'AF_INET6', 'AF_UNIX'].includes(f)),
      `${file} address families: ${families}`,
    );
    assert.equal(values(unit, 'Service', 'SystemCallFilter')[0], '@system-service', `${file} filters system calls`);
  }
});

test('the Node units allow writable executable memory, which V8 needs; Litestream (Go) does not get it', () => {
  assert.equal(value(parseUnit('reprise.service'), 'Service', 'MemoryDenyWriteExecute'), undefined);
  assert.equal(value(parseUnit('reprise-backup.service'), 'Service', 'MemoryDenyWriteExecute'), undefined);
  assert.equal(value(parseUnit('litestream.service'), 'Service', 'MemoryDenyWriteExecute'), 'yes');
});

test('the units run the agreed programs, code and settings', () => {
  const service = parseUnit('reprise.service');
  assert.equal(value(service, 'Service', 'ExecStart'), '/usr/local/bin/node dist/src/main.js');
  assert.equal(value(service, 'Service', 'WorkingDirectory'), '/srv/reprise');
  assert.equal(value(service, 'Service', 'EnvironmentFile'), '/etc/reprise/reprise.env');
  // The built entry point the unit names is the one `npm start` runs and the build writes.
  const pkg = JSON.parse(fs.readFileSync(projectPath('package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts.start, / dist\/src\/main\.js$/);
  assert.ok(fs.existsSync(projectPath('src', 'main.ts')));

  const litestream = parseUnit('litestream.service');
  assert.equal(
    value(litestream, 'Service', 'ExecStart'),
    '/usr/local/bin/litestream replicate -config /etc/reprise/litestream.yml',
  );

  const backup = parseUnit('reprise-backup.service');
  assert.equal(value(backup, 'Service', 'Type'), 'oneshot');
  assert.equal(value(backup, 'Service', 'EnvironmentFile'), '/etc/reprise/reprise.env');
  assert.match(
    value(backup, 'Service', 'ExecStart')!,
    /\/usr\/local\/bin\/node bin\/reprise backup --force --out "\/var\/backups\/reprise\/reprise-\$\(date -u \+%%F\)\.db"/,
  );
  assert.ok(value(backup, 'Service', 'ReadWritePaths')!.split(/\s+/).includes('/var/backups/reprise'));
  for (const [file, section, key, expected] of [
    ['reprise.service', 'Install', 'WantedBy', 'multi-user.target'],
    ['litestream.service', 'Install', 'WantedBy', 'multi-user.target'],
    ['reprise-backup.timer', 'Install', 'WantedBy', 'timers.target'],
    ['reprise-backup.timer', 'Timer', 'Persistent', 'true'],
  ] as const) {
    assert.equal(value(parseUnit(file), section, key), expected, `${file} ${key}=`);
  }
});

test("no nightly backup outlives 30 days, whatever the timer's random delay", () => {
  const backup = parseUnit('reprise-backup.service');
  const prune = value(backup, 'Service', 'ExecStartPost')!;
  assert.match(
    prune,
    /^\/usr\/bin\/find \/var\/backups\/reprise -maxdepth 1 -type f -name reprise-\*\.db -mmin \+\d+ -delete$/,
  );
  const ageMinutes = Number(/-mmin \+(\d+)/.exec(prune)![1]);
  const timer = parseUnit('reprise-backup.timer');
  assert.equal(value(timer, 'Timer', 'OnCalendar'), '*-*-* 02:30:00 UTC', 'once a day');
  const delayMinutes = Number(/^(\d+)min$/.exec(value(timer, 'Timer', 'RandomizedDelaySec')!)![1]);
  // A file is deleted by the first run after it is older than ageMinutes: runs are a day apart,
  // each up to delayMinutes late, so a file lives at most ageMinutes + a day + the delay.
  assert.ok(ageMinutes + 24 * 60 + delayMinutes <= 30 * 24 * 60, `${ageMinutes} min + a day + ${delayMinutes} min`);
  // …and the run one day earlier must not take the file before that: a month of backups is kept.
  assert.ok(ageMinutes > 28 * 24 * 60 + delayMinutes, 'the backups of the last 28 nights stay');
});

/** A command line as systemd splits it (words, '…' and "…" quoting) with %% unescaped. */
function execWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? m[3]).replaceAll('%%', '%'));
}

test("the backup unit's commands, run as systemd runs them, write a checked backup and delete only old ones", () => {
  const dir = tempDir();
  const backups = path.join(dir, 'backups');
  fs.mkdirSync(backups);
  const databasePath = path.join(dir, 'reprise.db');
  const db = openDatabase(databasePath);
  migrate(db);
  db.close();
  const unit = parseUnit('reprise-backup.service');
  const run = (key: string) => {
    const words = execWords(
      value(unit, 'Service', key)!
        .replaceAll('/var/backups/reprise', backups)
        .replaceAll('/usr/local/bin/node', process.execPath),
    );
    const r = spawnSync(words[0], words.slice(1), {
      cwd: projectPath(), // WorkingDirectory=/srv/reprise
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_PATH: databasePath },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `${key}: ${r.stderr}`);
    return r;
  };
  const day = 86_400_000;
  const aged = (name: string, days: number) => {
    const file = path.join(backups, name);
    fs.writeFileSync(file, '');
    fs.utimesSync(file, new Date(Date.now() - days * day), new Date(Date.now() - days * day));
  };
  aged('reprise-old.db', 29);
  aged('reprise-recent.db', 28);
  aged('notes-old.txt', 40);
  assert.match(run('ExecStart').stderr, /integrity_check ok/);
  run('ExecStartPost');
  const today = `reprise-${new Date().toISOString().slice(0, 10)}.db`;
  assert.deepEqual(fs.readdirSync(backups).sort(), ['notes-old.txt', today, 'reprise-recent.db'].sort());
  assert.equal(fs.statSync(path.join(backups, today)).mode & 0o777, 0o600);
  fs.rmSync(dir, { recursive: true });
});

test('the settings template reads the same in systemd and Node, and configures a service that can write its files', () => {
  const text = fs.readFileSync(path.join(deploy, 'reprise.env'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  // The subset on which systemd's EnvironmentFile= and Node's parser agree: no quotes, escapes,
  // variables or trailing comments, so the value is everything after the first "=".
  for (const line of lines) assert.match(line, /^[A-Z][A-Z0-9_]*=[^"'`\\$#]*$/, line);
  const env = parseEnv(text) as Record<string, string>;
  assert.deepEqual(
    env,
    Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()])),
  );
  const config = loadConfig(env);
  assert.equal(config.env, 'production');
  const writable = value(parseUnit('reprise.service'), 'Service', 'ReadWritePaths')!.split(/\s+/);
  const inside = (p: string) => writable.some((w) => p === w || p.startsWith(`${w}/`));
  assert.ok(inside(path.dirname(config.databasePath)), `${config.databasePath} is writable in the sandbox`);
  assert.ok(inside(config.mailDir), `${config.mailDir} is writable in the sandbox`);
  assert.equal(config.databasePath, '/var/lib/reprise/reprise.db');
  // Every name in it is one docs/configuration.md documents (a typo would be silently ignored).
  const configuration = fs.readFileSync(projectPath('docs', 'configuration.md'), 'utf8');
  for (const name of Object.keys(env)) assert.ok(configuration.includes(`\`${name}\``), `${name} is documented`);
  // .env.example, for npm start and bin/reprise, is a valid configuration too.
  loadConfig(parseEnv(fs.readFileSync(projectPath('.env.example'), 'utf8')) as Record<string, string>);
});

test('docs/operations.md points at deploy/ instead of repeating a unit', () => {
  const operations = fs.readFileSync(projectPath('docs', 'operations.md'), 'utf8');
  const production = operations.slice(
    operations.indexOf('## Running in production'),
    operations.indexOf('\n## ', operations.indexOf('## Running in production') + 3),
  );
  assert.doesNotMatch(production, /^\s*\[(Unit|Service|Install)\]\s*$/m, 'no unit text in docs/operations.md');
  assert.doesNotMatch(production, /^\s*ExecStart=/m);
  for (const needed of [
    'deploy/',
    'useradd --system --home /var/lib/reprise --shell /usr/sbin/nologin reprise',
    '/etc/reprise/reprise.env',
  ]) {
    assert.ok(production.includes(needed), `the production section mentions ${needed}`);
  }
});

test('systemd-analyze verify has nothing to say about the units', { skip: skipAnalyze }, () => {
  const dir = installableCopies();
  const r = verify(dir, UNITS);
  assert.deepEqual(r.ours, [], r.all);
  assert.equal(r.status, 0, r.all);
  fs.rmSync(dir, { recursive: true });
});

test('…and it would: a misspelt setting and a missing program are reported', { skip: skipAnalyze }, () => {
  const dir = installableCopies();
  const unit = fs.readFileSync(path.join(dir, 'reprise.service'), 'utf8');
  fs.writeFileSync(path.join(dir, 'reprise.service'), unit.replace('ProtectSystem=strict', 'ProtectSystm=strict'));
  assert.match(verify(dir, ['reprise.service']).ours.join('\n'), /Unknown key 'ProtectSystm'/);
  fs.writeFileSync(path.join(dir, 'reprise.service'), unit.replace(process.execPath, '/nonexistent/node'));
  const missing = verify(dir, ['reprise.service']);
  assert.notEqual(missing.status, 0);
  assert.match(missing.ours.join('\n'), /\/nonexistent\/node is not executable/);
  fs.rmSync(dir, { recursive: true });
});

test('systemd-analyze security rates every service "OK" or better', { skip: skipAnalyze }, (t) => {
  const dir = installableCopies();
  for (const file of SERVICES) {
    const r = spawnSync(systemdAnalyze!, ['security', '--offline=yes', '--no-pager', path.join(dir, file)], {
      encoding: 'utf8',
    });
    if (r.status !== 0 && /offline/.test(r.stderr)) {
      t.skip(`this systemd-analyze cannot rate a unit file offline (systemd 250 or later can): ${r.stderr.trim()}`);
      return;
    }
    const m = /Overall exposure level for \S+: (\d+\.\d+) (\S+)/.exec(r.stdout);
    assert.ok(m, `${file}: ${r.stdout}${r.stderr}`);
    assert.ok(['OK', 'SAFE', 'PERFECT'].includes(m[2]), `${file} exposure ${m[1]} ${m[2]}`);
    // Tighter than systemd's "OK" (which reaches about 4): where the units are now, so a dropped directive shows.
    assert.ok(Number(m[1]) < 2, `${file} exposure ${m[1]} ${m[2]}`);
  }
  fs.rmSync(dir, { recursive: true });
});
