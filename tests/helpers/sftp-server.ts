// A real SFTP server for a test: Debian's OpenSSH sshd on 127.0.0.1 and a free port,
// with its own host key, one user key and config in a temp folder, nothing from /etc/ssh.
// It logs in the user running the tests (root in CI, hence PermitRootLogin).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { unusedPort } from './ports.js';

export const SSHD = '/usr/sbin/sshd';

export interface SftpServer {
  host: string;
  user: string;
  /** The private key the user logs in with (ed25519, no passphrase). */
  keyPath: string;
  stop(): Promise<void>;
}

export async function startSftpServer(dir: string): Promise<SftpServer> {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  for (const key of ['host_ed25519_key', 'user_ed25519_key']) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', key, '-f', file(key)]);
  }
  fs.copyFileSync(file('user_ed25519_key.pub'), file('authorized_keys'));
  const port = await unusedPort();
  const user = os.userInfo().username;
  fs.writeFileSync(
    file('sshd_config'),
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${file('host_ed25519_key')}`,
      `PidFile ${file('sshd.pid')}`,
      `AuthorizedKeysFile ${file('authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${user}`,
      'Subsystem sftp internal-sftp',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  // sshd refuses to start without its privilege separation folder (made by the Debian package's service).
  try {
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  } catch {
    // not root: sshd says what is missing below
  }
  const child = spawn(SSHD, ['-D', '-e', '-f', file('sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sshd did not start:\n${log}`));
    }, 10_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`sshd exited during start:\n${log}`));
    });
  });
  return {
    host: `127.0.0.1:${port}`,
    user,
    keyPath: file('user_ed25519_key'),
    stop: () => stopChild(child, exited),
  };
}

/** Ends a child this test started (by its own handle) and waits for it. */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  await exited;
}
