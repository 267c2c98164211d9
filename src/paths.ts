// Where the project lives on disk. Source runs from src/ (tsx) and the build from dist/src/, so a fixed
// number of `../` would be wrong in one of them; walking up to the nearest package.json is right in both.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The project's root folder: the nearest folder at or above this module holding a package.json (computed once). */
export function projectRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    // At the filesystem root dirname() returns its argument: stop rather than loop.
    if (parent === dir) {
      throw new Error(`No package.json found in ${start} or any folder above it; cannot locate the project root.`);
    }
    dir = parent;
  }
}

/** A path inside the project, e.g. projectPath('config', 'rate-card.json'). */
export function projectPath(...segments: string[]): string {
  return join(projectRoot(), ...segments);
}
