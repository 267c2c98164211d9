// Builds a real Reprise app for a test: a fresh SQLite file in a temp folder with
// the migrations applied as in production, real mail transport (SMTP or files),
// and a clock the test can move.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { createContainer, type Container } from '../../src/container.js';
import http, { type Server } from 'node:http';
import { createApp } from '../../src/app.js';
import { createTransport } from '../../src/mail/transport.js';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  /** The app on a Node HTTP server, as src/main.ts listens: what tests send requests to. */
  server: Server;
  container: Container;
  db: Db;
  dir: string;
  config: Readonly<Config>;
  clock: { now: Date; advance(ms: number): void };
  close(): Promise<void>;
}

export function tempDir(prefix = 'reprise-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function buildTestApp(
  env: Record<string, string> = {},
  opts: { now?: Date; logger?: Logger } = {},
): Promise<TestApp> {
  const dir = tempDir();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_PATH: path.join(dir, 'reprise.db'),
    MAIL_DIR: path.join(dir, 'mail'),
    FORM_MIN_FILL_SECONDS: '0',
    RATE_LIMIT_SUBMIT_PER_HOUR: '0',
    RATE_LIMIT_QUOTE_PER_MINUTE: '0',
    RATE_LIMIT_LOGIN_PER_MINUTE: '0',
    ACK_EMAILS_PER_ADDRESS_PER_DAY: '0',
    PUBLIC_BASE_URL: 'http://reprise.test',
    DESK_EMAIL: 'desk@reprise.test',
    MAIL_FROM: 'Reprise <licensing@reprise.test>',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const db = openDatabase(config.databasePath);
  migrate(db);
  const clock = {
    now: opts.now ?? new Date(),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const transport = createTransport(config.smtpUrl, config.mailDir);
  const container = createContainer({
    config,
    db,
    transport,
    logger: opts.logger ?? pino({ level: 'silent' }),
    clock: () => clock.now,
  });
  const app = createApp(container);
  return {
    app,
    server: http.createServer(app),
    container,
    db,
    dir,
    config,
    clock,
    async close() {
      await container.writer.close();
      await container.worker.stop();
      await container.webhooks.stop();
      await container.pdf.close();
      transport.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
