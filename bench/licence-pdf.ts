// One licence PDF: how long Chromium takes to print it, how much memory the service and Chromium hold, and whether
// the service keeps answering meanwhile. The service runs in this process (as src/main.ts builds it) so the event
// loop's longest stall while PDFs are printed can be measured; the form is driven by autocannon alone and then with
// PDFs printing beside it. Run: npx tsx bench/licence-pdf.ts [count]
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { createContainer } from '../src/container.js';
import { createApp } from '../src/app.js';
import { createTransport } from '../src/mail/transport.js';
import { licensingRequest } from './bodies.js';
import { run } from './measure.js';

const count = Number(process.argv[2] ?? 20);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-pdf-bench-'));
const config = loadConfig({
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_PATH: path.join(dir, 'r.db'),
  MAIL_DIR: path.join(dir, 'mail'),
  RATE_LIMIT_SUBMIT_PER_HOUR: '0',
  LOG_LEVEL: 'silent',
});
const db = openDatabase(config.databasePath);
migrate(db);
const transport = createTransport(null, config.mailDir);
const container = createContainer({ config, db, transport, logger: pino({ level: 'silent' }) });
await container.writer.ready();
const server = http.createServer(createApp(container));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// One request, licensed by the desk's own service.
const made = await fetch(`${base}/api/v1/requests`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(licensingRequest(1)),
});
const { reference } = (await made.json()) as { reference: string };
const { id, access_token: token } = db
  .prepare('SELECT id, access_token FROM requests WHERE reference = ?')
  .get(reference) as {
  id: number;
  access_token: string;
};
const staff = { id: null, label: 'bench' };
const desk = container.services.deskRequests;
desk.startReview(staff, id);
desk.sendQuote(staff, id, { finalFeeMinor: 45000, feeReason: 'Bench', validUntil: '2099-01-31' });
desk.license(staff, id, {
  start: '2027-01-01',
  end: '2027-12-31',
  creditLine: 'Credit',
  linkBack: 'https://news.example/x',
});
const pdfUrl = `${base}/licensing/requests/${token}/licence.pdf`;

const print = async () => {
  const started = performance.now();
  const res = await fetch(pdfUrl);
  const bytes = (await res.arrayBuffer()).byteLength;
  if (res.status !== 200) throw new Error(`PDF answered ${res.status}`);
  return { ms: performance.now() - started, bytes };
};
const chromiumRssMb = () => {
  const out = execFileSync('ps', ['-eo', 'rss,comm'], { encoding: 'utf8' });
  const kb = out
    .split('\n')
    .filter((line) => /chrom/i.test(line))
    .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[0] ?? 0), 0);
  return Math.round(kb / 1024);
};
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)]!;

const first = await print();
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const times: number[] = [];
let bytes = 0;
for (let i = 0; i < count; i++) {
  const one = await print();
  times.push(one.ms);
  bytes = one.bytes;
}
delay.disable();
const alone = await run({ url: `${base}/licensing` }, 5);
let printing = true;
const beside = (async () => {
  let n = 0;
  while (printing) {
    await print();
    n++;
  }
  return n;
})();
const withPdfs = await run({ url: `${base}/licensing` }, 5);
printing = false;
const printedMeanwhile = await beside;

console.log(
  JSON.stringify(
    {
      node: process.version,
      firstPdfMs: Math.round(first.ms),
      pdfBytes: bytes,
      pdfMs: {
        count,
        mean: Math.round(times.reduce((a, b) => a + b, 0) / count),
        p50: Math.round(percentile(times, 0.5)),
        p95: Math.round(percentile(times, 0.95)),
      },
      eventLoopDelayWhilePrintingMs: {
        max: +(delay.max / 1e6).toFixed(1),
        p99: +(delay.percentile(99) / 1e6).toFixed(1),
      },
      serviceRssMb: Math.round(process.memoryUsage().rss / 1048576),
      chromiumRssMb: chromiumRssMb(),
      formAloneReqPerSec: Math.round(alone.requests.average),
      formWhilePrintingReqPerSec: Math.round(withPdfs.requests.average),
      pdfsPrintedMeanwhile: printedMeanwhile,
    },
    null,
    2,
  ),
);
server.closeAllConnections();
server.close();
await container.pdf.close();
await container.writer.close();
db.close();
fs.rmSync(dir, { recursive: true, force: true });
