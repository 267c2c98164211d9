// One measurement for bench/export-1m.ts, printed as JSON on stdout. Plain JavaScript
// over the built code (dist/), as `reprise export` runs: no TypeScript loader in the
// process, so peak RSS is the export's own.
//   node bench/export-child.mjs csv|ndjson|loop|check DB OUT
// `check` exports CSV read by this thread, by a worker, and by both, and says whether the bytes are the same.
import fs from 'node:fs';
import { openDatabase } from '../dist/src/db/connection.js';
import { requestColumns } from '../dist/src/db/repos/export-queries.js';
import { exportColumns } from '../dist/src/export/columns.js';
import { parseFilters } from '../dist/src/export/filters.js';
import { streamExport } from '../dist/src/export/stream.js';

const [mode, dbPath, outPath] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
let rows = 0;
if (mode === 'check') {
  const bytes = async (readers) => {
    const out = fs.createWriteStream(outPath);
    await streamExport({ databasePath: dbPath, format: 'csv', filters: parseFilters({}), readers }, out);
    await new Promise((resolve, reject) => out.on('error', reject).end(resolve));
    return fs.readFileSync(outPath);
  };
  const here = await bytes('main');
  const same = here.equals(await bytes('worker')) && here.equals(await bytes('both'));
  process.stdout.write(JSON.stringify({ same, bytes: here.length }));
  process.exit(0);
}
if (mode === 'loop') {
  // The same rows and columns the CSV cells are made from, read one by one as JavaScript values, unformatted.
  const db = openDatabase(dbPath, { readonly: true });
  const select = exportColumns(requestColumns(db), 'text').map((c) => c.sql);
  for (const values of db
    .prepare(`SELECT ${select.join(', ')} FROM requests r ORDER BY r.id`)
    .raw(true)
    .iterate()) {
    if (values.length) rows++;
  }
  db.close();
} else {
  const out = fs.createWriteStream(outPath);
  rows = await streamExport({ databasePath: dbPath, format: mode, filters: parseFilters({}) }, out);
  await new Promise((resolve, reject) => out.on('error', reject).end(resolve));
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0); // every thread of the process
process.stdout.write(
  JSON.stringify({
    mode,
    rows,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    outputMb: mode === 'loop' ? 0 : fs.statSync(outPath).size / 1048576,
  }),
);
