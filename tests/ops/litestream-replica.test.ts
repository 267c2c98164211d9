// The restore drill: the real service and the real `litestream replicate` beside it, replicating
// to a file replica and over SFTP to Debian's sshd on the loopback. Submissions are acknowledged
// while `reprise erase` runs from the command line; then both processes are SIGKILLed and the
// disk is lost (database, WAL, shared memory and Litestream's own folder). `litestream restore`
// from each replica must bring back every request acknowledged more than two sync intervals
// before the kill, pass integrity_check and hold none of the erased person's data, and the
// service must start on the restored file and take a submission.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { tempDir } from '../helpers/app.js';
import { validRequest } from '../helpers/fixtures.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { runCli } from '../helpers/cli-process.js';
import { programSkipReason } from '../helpers/system-tool.js';
import { SSHD, startSftpServer, stopChild, type SftpServer } from '../helpers/sftp-server.js';
import {
  LITESTREAM,
  litestreamSkipReason,
  replicaFiles,
  restore,
  startReplication,
  waitForSnapshots,
  type Replication,
} from '../helpers/litestream.js';
import { projectPath } from '../../src/paths.js';

const skip =
  litestreamSkipReason() ??
  programSkipReason(SSHD, 'openssh-server') ??
  programSkipReason('ssh-keygen', 'openssh-client');
const SYNC_INTERVAL_MS = 1_000;
const ERIN = { name: 'Erin Erasable-Drill', email: 'erin.erasable@drill.example' };
const deployConfig = fs.readFileSync(projectPath('deploy', 'litestream.yml'), 'utf8');

/** A setting of the S3 replica in deploy/litestream.yml, so that the drill replicates as production does. */
function deploySetting(key: string): string {
  const m = new RegExp(`^ {8}${key}: *(\\S+)`, 'm').exec(deployConfig);
  assert.ok(m, `${key} in deploy/litestream.yml`);
  return m[1];
}

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test(
  'deploy/litestream.yml parses in Litestream 0.3.13, its alternatives too, each with the retention docs/operations.md gives',
  { skip },
  () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const databases = (file: string) => execFileSync(LITESTREAM, ['databases', '-config', file], { encoding: 'utf8' });
    assert.match(databases(projectPath('deploy', 'litestream.yml')), /^\/var\/lib\/reprise\/reprise\.db\s+s3$/m);
    // The commented-out SFTP and file replicas, switched on.
    const all = path.join(dir, 'all.yml');
    fs.writeFileSync(all, deployConfig.replace(/^ {6}# (- name:| {2}[a-z-]+:)/gm, '      $1'));
    assert.match(databases(all), /^\/var\/lib\/reprise\/reprise\.db\s+s3,sftp,file$/m);
    for (const [key, value] of [
      ['retention', '72h'],
      ['retention-check-interval', '1h'],
      ['snapshot-interval', '24h'],
      ['sync-interval', '1s'],
    ]) {
      assert.equal(
        deployConfig.match(new RegExp(`^ {6}(# )? {2}${key}: ${value}\\b`, 'gm'))?.length,
        3,
        `${key}: ${value} on all three replicas`,
      );
    }
  },
);

interface Ack {
  reference: string;
  at: number;
}

test(
  'restore drill: SIGKILL and a lost disk; both replicas restore every request acknowledged 2 s before, none of the erased data',
  { skip, timeout: 120_000 },
  async (ctx) => {
    const dir = tempDir('reprise-litestream-');
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const dbPath = path.join(dir, 'data', 'reprise.db');
    const replicaDir = { file: path.join(dir, 'replica-file'), sftp: path.join(dir, 'replica-sftp') };
    const sftp: SftpServer = await startSftpServer(path.join(dir, 'ssh'));
    cleanups.push(() => sftp.stop());

    const replicaSettings = [
      `        sync-interval: ${SYNC_INTERVAL_MS / 1000}s`,
      ...['snapshot-interval', 'retention', 'retention-check-interval'].map((k) => `        ${k}: ${deploySetting(k)}`),
    ];
    const config = path.join(dir, 'litestream.yml');
    fs.writeFileSync(
      config,
      [
        'dbs:',
        `  - path: ${dbPath}`,
        '    replicas:',
        '      - name: file',
        '        type: file',
        `        path: ${replicaDir.file}`,
        ...replicaSettings,
        '      - name: sftp',
        '        type: sftp',
        `        host: ${sftp.host}`,
        `        user: ${sftp.user}`,
        `        key-path: ${sftp.keyPath}`,
        `        path: ${replicaDir.sftp}`,
        ...replicaSettings,
        '',
      ].join('\n'),
    );

    const env = {
      DATABASE_PATH: dbPath,
      MAIL_DIR: path.join(dir, 'mail'),
      RATE_LIMIT_SUBMIT_PER_HOUR: '0',
      FORM_MIN_FILL_SECONDS: '0',
      ACK_EMAILS_PER_ADDRESS_PER_DAY: '0',
    };
    const stopOnFailure = (p: { child: ChildProcess }, exited: Promise<unknown>) =>
      cleanups.push(() => stopChild(p.child, exited, 'SIGKILL'));
    const service: ServerProcess = await startServer(env);
    stopOnFailure(service, service.exited);
    const replication: Replication = startReplication(config);
    stopOnFailure(replication, replication.exited);
    await waitForSnapshots([replicaDir.file, replicaDir.sftp], replication);

    // Submissions one after another, with their acknowledgement times, until the kill.
    const acks: Ack[] = [];
    const latencies: number[] = [];
    let erinAcks = 0;
    let stop = false;
    let failure: unknown;
    const submitting = (async () => {
      for (let i = 0; !stop; i++) {
        const requester =
          erinAcks < 4 && i % 3 === 0 ? ERIN : { name: `Drill Person ${i}`, email: `drill${i}@example.org` };
        const started = Date.now();
        try {
          const res = await fetch(`${service.url}/api/v1/requests`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(validRequest({ requester })),
          });
          const body = (await res.json()) as { reference?: string };
          if (res.status !== 201 || !body.reference) throw new Error(`submission answered ${res.status}`);
          const at = Date.now();
          acks.push({ reference: body.reference, at });
          latencies.push(at - started);
          if (requester === ERIN) erinAcks++;
        } catch (err) {
          if (!stop) [failure, stop] = [err, true];
        }
        await sleep(20);
      }
    })();

    while (erinAcks < 4 && !failure) await sleep(20);
    await sleep(1_000);
    const erase = await runCli(['erase', '--email', ERIN.email.toUpperCase()], env);
    assert.equal(erase.code, 0, erase.stderr);
    assert.match(erase.stderr, /Erased 4 request\(s\)/);
    const erasedAt = Date.now();
    await sleep(3 * SYNC_INTERVAL_MS + 500); // submissions go on; the erasure is now well over 2 sync intervals old

    // The machine dies: both processes at once, then the disk.
    const killedAt = Date.now();
    stop = true;
    service.child.kill('SIGKILL');
    replication.child.kill('SIGKILL');
    await Promise.all([service.exited, replication.exited, submitting]);
    if (failure) throw failure;
    for (const f of fs.readdirSync(path.dirname(dbPath)))
      fs.rmSync(path.join(path.dirname(dbPath), f), { recursive: true });
    assert.deepEqual(fs.readdirSync(path.dirname(dbPath)), []);

    // One generation throughout: nothing truncated the WAL behind Litestream's back (it would have started another).
    const generations = [...replication.output().matchAll(/sync: new generation.*reason="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(generations, ['no generation exists'], replication.output());
    // Litestream's read transaction made a waiting checkpoint hold every write up for its 5 s busy time-out.
    assert.ok(Math.max(...latencies) < 2_500, `slowest submission ${Math.max(...latencies)} ms`);
    const mustHave = acks.filter((a) => a.at < killedAt - 2 * SYNC_INTERVAL_MS);
    const report: string[] = [
      `${acks.length} requests acknowledged; the erasure ${((killedAt - erasedAt) / 1000).toFixed(1)} s before the kill; ` +
        `slowest submission ${Math.max(...latencies)} ms (reprise erase ran ${erase.stderr.includes('until the next checkpoint') ? 'with its checkpoint deferred by Litestream' : 'and checkpointed'})`,
    ];
    const restored: Record<string, string> = {};
    for (const replica of ['file', 'sftp'] as const) {
      const out = path.join(dir, `restored-${replica}`, 'reprise.db');
      fs.mkdirSync(path.dirname(out));
      const started = Date.now();
      await restore(config, replica, dbPath, out);
      const restoreMs = Date.now() - started;
      restored[replica] = out;
      // Restore applies the WAL through a temporary name and leaves its (empty) WAL and index files behind.
      const files = fs.readdirSync(path.dirname(out)).sort();
      assert.deepEqual(files, ['reprise.db', 'reprise.db.tmp-shm', 'reprise.db.tmp-wal'], `${replica}: restored files`);
      assert.equal(fs.statSync(`${out}.tmp-wal`).size, 0);
      for (const file of files) {
        const bytes = fs.readFileSync(path.join(path.dirname(out), file));
        for (const needle of [ERIN.email, ERIN.name, 'Erasable']) {
          assert.ok(!bytes.includes(Buffer.from(needle)), `${replica}: "${needle}" is nowhere in ${file}`);
        }
      }

      const db = new Database(out, { readonly: true });
      const present = new Set(db.prepare('SELECT reference FROM requests').pluck().all() as string[]);
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', `${replica}: integrity_check`);
      const erased = db
        .prepare(`SELECT count(*) FROM requests WHERE requester_email = '[erased]' AND anonymised_at IS NOT NULL`)
        .pluck()
        .get();
      db.close();
      const missing = mustHave.filter((a) => !present.has(a.reference));
      assert.deepEqual(
        missing.map((a) => `${a.reference} acknowledged ${killedAt - a.at} ms before the kill`),
        [],
        `${replica}: every request acknowledged over 2 s before the kill`,
      );
      assert.equal(erased, 4, `${replica}: the erasure was replicated (the four requests are there, anonymised)`);

      const walIndexes = new Set(replicaFiles(replicaDir[replica], 'wal').map((f) => path.basename(f).slice(0, 8)));
      const acked = acks.filter((a) => present.has(a.reference));
      const lost = acks.filter((a) => !present.has(a.reference));
      const newest = Math.max(...acked.map((a) => a.at));
      report.push(
        `${replica}: restored ${present.size} requests (${acked.length} of the ${acks.length} acknowledged) in ${restoreMs} ms ` +
          `from a snapshot and ${walIndexes.size} WAL indexes (a new one after each Litestream checkpoint); ` +
          `newest restored acknowledged ${killedAt - newest} ms before the kill; ` +
          (lost.length
            ? `${lost.length} acknowledged in the last ${killedAt - Math.min(...lost.map((a) => a.at))} ms missing (replication lag)`
            : 'none missing'),
      );
    }

    // The service starts on each restored file and takes a submission.
    for (const [replica, file] of Object.entries(restored)) {
      const revived = await startServer({ ...env, DATABASE_PATH: file });
      stopOnFailure(revived, revived.exited);
      const res = await fetch(`${revived.url}/api/v1/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(validRequest()),
      });
      assert.equal(res.status, 201, `${replica}: the service on the restored file takes a submission`);
      const health = await fetch(`${revived.url}/healthz`);
      assert.equal(health.status, 200);
      revived.child.kill('SIGTERM');
      assert.deepEqual(await revived.exited, { code: 0, signal: null });
    }
    for (const line of report) ctx.diagnostic(line);
  },
);
