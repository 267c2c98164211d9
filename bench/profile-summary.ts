// The one summary both profilers print: the V8 CPU profile a `node --cpu-prof` run
// left in `dir`, as the functions with the most self time, and a copy of the profile
// kept in bench/out/<name>.cpuprofile for a closer look (Chrome DevTools, speedscope).
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export function printTopSelfTime(dir: string, root: string, name: string, count: number) {
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`No .cpuprofile in ${dir}`);
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
  const self = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url ? `${url.replace(`file://${root}/`, '').replace(/^.*node_modules\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0));
    total += n.hitCount ?? 0;
  }
  for (const [fn, hits] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`${((100 * hits) / total).toFixed(1).padStart(5)}%  ${fn}`);
  }
  fs.copyFileSync(path.join(dir, file), path.join(root, 'bench/out', `${name}.cpuprofile`));
}
