// The service as src/main.ts builds it, with the request writer's batch sizes
// counted: answers "does deferring the flush by setImmediate batch anything under
// 10 connections?". Prints a histogram of batch sizes on SIGTERM. Run with tsx.
import http from 'node:http';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { createContainer } from '../src/container.js';
import { createApp } from '../src/app.js';
import { createTransport } from '../src/mail/transport.js';
import { createLogger } from '../src/logger.js';

// The writer on the main thread, where its batches can be counted (the mail worker's pause reads this same writer).
const config = { ...loadConfig(), writerThread: false };
const db = openDatabase(config.databasePath);
migrate(db);
const transport = createTransport(config.smtpUrl, config.mailDir);
const sizes = new Map<number, number>();
// BENCH_MAX_BATCH=1 turns group commit off (one transaction per request, as before it): the A/B comparison.
const maxBatch = Number(process.env.BENCH_MAX_BATCH ?? 64);
const writerOptions = { maxBatch, onBatch: (n: number) => sizes.set(n, (sizes.get(n) ?? 0) + 1) };
const container = createContainer({ config, db, transport, logger: createLogger(config.logLevel), writerOptions });
const server = http.createServer(createApp(container)).listen(config.port, config.host);
// BENCH_NO_MAIL=1 leaves the outbox worker off: how much of a submission's cost is delivering its two emails.
if (process.env.BENCH_NO_MAIL !== '1') container.worker.start();

process.on('SIGTERM', () => {
  server.close();
  server.closeIdleConnections();
  const batches = [...sizes.values()].reduce((a, b) => a + b, 0);
  const requests = [...sizes.entries()].reduce((a, [size, n]) => a + size * n, 0);
  const histogram = [...sizes.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([size, n]) => `${size}:${n}`)
    .join(' ');
  console.log(JSON.stringify({ batches, requests, meanBatch: +(requests / batches).toFixed(2), histogram }));
  void container.worker.stop().then(() => {
    db.close();
    process.exit(0);
  });
});
