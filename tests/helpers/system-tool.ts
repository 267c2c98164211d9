// Tests that drive a program from Debian's packages (sqlite3, sshd, systemd-analyze…).
// Without it they skip with the command that installs it; in CI (CI=true) a missing
// program fails the run instead, as a missing Chromium does.
import fs from 'node:fs';
import path from 'node:path';

/** The program's path, found on PATH or at an absolute path. */
export function findProgram(name: string): string | undefined {
  if (path.isAbsolute(name)) return fs.existsSync(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Why a test needing `program` cannot run here, or undefined when it can. Throws in CI instead of skipping. */
export function programSkipReason(program: string, debianPackage: string): string | undefined {
  if (findProgram(program)) return undefined;
  const message = `${program} not found. Install it with: apt-get install -y --no-install-recommends ${debianPackage}`;
  if (process.env.CI === 'true') throw new Error(`${message}. In CI a missing program is a failure, not a skip.`);
  process.stderr.write(`\n*** SKIPPED: ${message}\n\n`);
  return message;
}
