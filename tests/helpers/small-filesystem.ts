// A small tmpfs mounted by the test, so the service can run out of space for real:
// fill() writes a filler file until the file system answers ENOSPC, unfill() deletes it.
// Mounting needs root (or CAP_SYS_ADMIN): without it the tests skip with the reason,
// and in CI (CI=true) a skip would hide the test, so it fails instead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export interface SmallFilesystem {
  dir: string;
  sizeBytes: number;
  /** Fills every free byte with a filler file; returns the bytes written this time. */
  fill(): number;
  /** Deletes the filler. */
  unfill(): void;
  /** Bytes free, as df shows them. */
  freeBytes(): number;
  unmount(): void;
}

function run(program: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(program, args, { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stderr ?? ''}${r.stdout ?? ''}${r.error ? String(r.error) : ''}`.trim() };
}

export function mountSmallFilesystem(sizeBytes: number, prefix = 'reprise-full-'): SmallFilesystem {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const mounted = run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', dir]);
  if (!mounted.ok) {
    fs.rmdirSync(dir);
    throw new Error(`mount -t tmpfs failed: ${mounted.output}`);
  }
  const filler = path.join(dir, 'filler');
  return {
    dir,
    sizeBytes,
    fill() {
      const fd = fs.openSync(filler, 'a');
      let written = 0;
      try {
        // Large pieces first, then a page at a time, until not one more byte fits.
        for (const size of [1 << 20, 4096, 1]) {
          const piece = Buffer.alloc(size, 0x2e);
          for (;;) {
            try {
              written += fs.writeSync(fd, piece);
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
              break;
            }
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      return written;
    },
    unfill: () => fs.rmSync(filler, { force: true }),
    freeBytes() {
      const s = fs.statfsSync(dir);
      return s.bavail * s.bsize;
    },
    unmount() {
      // Lazy: a file still open (a process that has not quite exited) must not leave the mount behind.
      const r = run('umount', [dir]);
      if (!r.ok) run('umount', ['-l', dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Why a small file system cannot be mounted here, or undefined when it can. Throws in CI instead of skipping. */
export function smallFilesystemSkipReason(): string | undefined {
  let reason: string | undefined;
  try {
    mountSmallFilesystem(1 << 20, 'reprise-mount-probe-').unmount();
  } catch (err) {
    const who = process.getuid?.() === 0 ? 'root, but mounting was refused' : `not root (uid ${process.getuid?.()})`;
    reason = `cannot mount a small tmpfs to fill (${who}): ${(err as Error).message}. Run the ops tests as root.`;
  }
  if (!reason) return undefined;
  if (process.env.CI === 'true') throw new Error(`${reason} In CI a test that cannot run is a failure, not a skip.`);
  process.stderr.write(`\n*** SKIPPED: ${reason}\n\n`);
  return reason;
}
