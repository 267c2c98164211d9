// The real Litestream 0.3.13, from the npm package @flydotio/litestream-linux-x64
// (a devDependency): `litestream replicate` as a child process and `litestream restore`.
import fs from 'node:fs';
import path from 'node:path';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectPath } from '../../src/paths.js';

export const LITESTREAM = projectPath('node_modules', '@flydotio', 'litestream-linux-x64', 'litestream');

/** Why Litestream cannot run here (another platform than the package's), or undefined. */
export function litestreamSkipReason(): string | undefined {
  if (process.platform === 'linux' && process.arch === 'x64' && fs.existsSync(LITESTREAM)) return undefined;
  const message = `Litestream is not installed for ${process.platform}-${process.arch} (npm ci installs ${LITESTREAM} on linux-x64)`;
  if (process.env.CI === 'true') throw new Error(`${message}. In CI a missing program is a failure, not a skip.`);
  process.stderr.write(`\n*** SKIPPED: ${message}\n\n`);
  return message;
}

export interface Replication {
  child: ChildProcess;
  exited: Promise<void>;
  output(): string;
}

export function startReplication(configPath: string): Replication {
  const child = spawn(LITESTREAM, ['replicate', '-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, output: () => out };
}

/** Files under a replica's folder: generations/<id>/snapshots/*.snapshot.lz4 and wal/*.wal.lz4. */
export function replicaFiles(root: string, kind: 'snapshots' | 'wal'): string[] {
  const generations = path.join(root, 'generations');
  if (!fs.existsSync(generations)) return [];
  return fs.readdirSync(generations).flatMap((g) => {
    const dir = path.join(generations, g, kind);
    return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
  });
}

/** Waits until every replica folder holds a snapshot: replication has begun. */
export async function waitForSnapshots(roots: string[], replication: Replication, timeoutMs = 20_000) {
  const giveUp = Date.now() + timeoutMs;
  while (!roots.every((r) => replicaFiles(r, 'snapshots').length > 0)) {
    if (replication.child.exitCode !== null) throw new Error(`litestream exited:\n${replication.output()}`);
    if (Date.now() > giveUp)
      throw new Error(`no snapshot in ${roots.join(', ')} after ${timeoutMs} ms:\n${replication.output()}`);
    await sleep(100);
  }
}

/** `litestream restore -config … -replica NAME -o OUT DB`: the database as that replica has it. */
export async function restore(configPath: string, replica: string, dbPath: string, out: string): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(LITESTREAM, [
    'restore',
    '-config',
    configPath,
    '-replica',
    replica,
    '-o',
    out,
    dbPath,
  ]);
  return stdout + stderr;
}
