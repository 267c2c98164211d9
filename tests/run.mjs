// Runs the test suites with node's test runner. Node 20 does not expand globs
// itself and silently finds no .ts files when given a folder, so the files are
// listed here and their number is printed, so a run that finds none is obvious.
// Usage: node tests/run.mjs [unit|http|ops|e2e ...]   (default: all)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SUITES = ['unit', 'http', 'ops', 'e2e'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : SUITES;
const unknown = wanted.filter((s) => !SUITES.includes(s));
if (unknown.length) {
  console.error(`Unknown suite(s): ${unknown.join(', ')}. Choose from ${SUITES.join(', ')}.`);
  process.exit(2);
}

function testFiles(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

const files = wanted.flatMap((suite) => testFiles(join('tests', suite)));
console.error(`Running ${files.length} test files (${wanted.join(', ')})`);
if (files.length === 0) {
  console.error('No test files found: refusing to report success.');
  process.exit(1);
}
// Browser tests share one Chromium and servers: files run one at a time to keep a 2-core machine steady.
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
