// Where `reprise export|backup|subject-export --out FILE` may write, and writing there safely: refused with a
// message are control characters, ".." segments, the database or its WAL/SHM files, a folder, a symbolic link,
// a missing folder, and an existing file unless --force. Data goes to a temporary file renamed when complete.
import fs from 'node:fs';
import path from 'node:path';

export class OutPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutPathError';
  }
}

export function checkOutPath(raw: string, options: { databasePath: string; force?: boolean }): string {
  if (raw.trim() === '') throw new OutPathError('--out needs a file name.');
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw new OutPathError('--out must not contain control characters.');
  if (raw.split(/[\\/]+/).includes('..')) {
    throw new OutPathError(`--out must not contain ".." segments; give the folder plainly (got "${raw}").`);
  }
  const target = path.resolve(raw);
  const database = path.resolve(options.databasePath);
  if ([database, `${database}-wal`, `${database}-shm`, `${database}-journal`].includes(target)) {
    throw new OutPathError('--out must not name the live database or its -wal/-shm files.');
  }
  const dir = path.dirname(target);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new OutPathError(`The folder ${dir} does not exist.`);
  }
  const existing = fs.lstatSync(target, { throwIfNoEntry: false });
  if (existing?.isSymbolicLink()) throw new OutPathError(`${target} is a symbolic link; name the real file instead.`);
  if (existing?.isDirectory()) throw new OutPathError(`${target} is a folder; give a file name.`);
  if (existing && !existing.isFile()) throw new OutPathError(`${target} is not a regular file.`);
  if (existing && !options.force) throw new OutPathError(`${target} already exists; add --force to replace it.`);
  return target;
}

/** A temporary path beside `target`, renamed onto it by commit(). */
export function pendingFile(target: string) {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
  return {
    temp,
    commit: () => fs.renameSync(temp, target),
    discard: () => fs.rmSync(temp, { force: true }),
  };
}

/** Opens the temporary file for streaming; resolves once it is open (or rejects). */
export function openPending(target: string) {
  const pending = pendingFile(target);
  const stream = fs.createWriteStream(pending.temp, { flags: 'wx', mode: 0o600 });
  const finished = () =>
    new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.end(() => resolve());
    });
  return { ...pending, stream, finished };
}
