// The staff desk under load: the queue page and a filtered search, signed in, on
// databases seeded with `reprise seed` (10,000 and 1,000,000 requests; a few
// hundred in a smoke run). Seeded files are kept in bench/out/seed/ and copied for
// each run, because seeding a million requests through the real write path (with
// the desk's search triggers) takes many minutes. Each size gets its own service
// process; the 1M one also measures submissions while a CSV export runs.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { BenchContext, Scenario } from './scenarios.js';
import { startServer, type Server } from './processes.js';
import autocannon from 'autocannon';
import { CONNECTIONS, JSON_HEADERS, rotating, run, toRow, type Row } from './measure.js';
import { licensingRequest } from './bodies.js';

const EMAIL = 'bench@reprise.example';
const PASSWORD = 'bench-password-long-enough';
// Behind a TLS proxy as in production: the session cookie is Secure, so the proxy's header makes it issued.
const PROXY = { 'x-forwarded-proto': 'https' };

function cli(ctx: BenchContext, env: Record<string, string>, args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(ctx.root, 'dist/src/cli/main.js'), ...args], {
    env: { ...process.env, ...ctx.env, ...env },
    input,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`reprise ${args.join(' ')} failed: ${r.stderr}`);
}

/** A seeded database of `count` requests, made once and kept (smoke sizes are not kept). */
function seeded(ctx: BenchContext, count: number): string {
  const keep = path.join(ctx.root, 'bench/out/seed', `seed-${count}.db`);
  if (fs.existsSync(keep)) {
    // A file seeded by older code gets the newer migrations once here, not in every run's copy.
    cli(ctx, { DATABASE_PATH: keep }, ['migrate']);
    return keep;
  }
  fs.mkdirSync(path.dirname(keep), { recursive: true });
  const tmp = `${keep}.tmp`;
  fs.rmSync(tmp, { force: true });
  console.error(`  seeding ${count.toLocaleString('en')} requests (once; kept in ${path.relative(ctx.root, keep)})…`);
  cli(ctx, { DATABASE_PATH: tmp }, ['seed', '--count', String(count)]);
  fs.renameSync(tmp, keep);
  return keep;
}

async function signIn(server: Server): Promise<string> {
  const cookieOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  const page = await fetch(`${server.url}/staff/login`, { headers: PROXY });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on /staff/login');
  const res = await fetch(`${server.url}/staff/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...PROXY, cookie: cookieOf(page), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: EMAIL, password: PASSWORD, _csrf: csrf }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  return cookieOf(res);
}

interface Desk {
  server: Server;
  cookie: string;
  databasePath: string;
}

export function staffScenarios(ctx: BenchContext): Scenario[] {
  const sizes = ctx.smoke ? [300] : [10_000, 1_000_000];
  return sizes.flatMap((size): Scenario[] => {
    let desk: Promise<Desk> | undefined;
    const label = size.toLocaleString('en');
    const open = () =>
      (desk ??= (async () => {
        const dir = path.join(ctx.dir, `desk-${size}`);
        fs.mkdirSync(dir, { recursive: true });
        const databasePath = path.join(dir, 'reprise.db');
        if (ctx.smoke) cli(ctx, { DATABASE_PATH: databasePath }, ['seed', '--count', String(size)]);
        else fs.copyFileSync(seeded(ctx, size), databasePath);
        // The desk's pages are measured, not its sign-in: the password alone signs in.
        const env = {
          DATABASE_PATH: databasePath,
          MAIL_DIR: path.join(dir, 'mail'),
          PASSWORD_SCRYPT_LOG2N: '14',
          SECOND_FACTOR: 'optional',
        };
        cli(ctx, env, ['user', 'add', '--email', EMAIL, '--role', 'staff'], `${PASSWORD}\n`);
        const server = await startServer(
          `reprise (${label})`,
          [path.join(ctx.root, 'dist/src/main.js')],
          { ...ctx.env, ...env, TRUST_PROXY: '1' },
          '/healthz',
          path.join(dir, 'reprise.log'),
        );
        ctx.servers.push(server);
        return { server, cookie: await signIn(server), databasePath };
      })());
    const page = (name: string, query: string): Scenario => ({
      name,
      measure: async (_s, d) => {
        const { server, cookie } = await open();
        const r = await run({ url: `${server.url}/staff/requests${query}`, headers: { ...PROXY, cookie } }, d);
        return toRow(name, r, 200);
      },
    });
    const scenarios = [
      page(`staff queue (${label})`, ''),
      page(`staff search (${label})`, '?q=matin&status=licensed&medium=online'),
    ];
    if (size >= 1_000_000 || ctx.smoke)
      scenarios.push(submitDuringExport(ctx, `POST /api/v1/requests during CSV export (${label})`, open));
    return scenarios;
  });
}

/**
 * POST /api/v1/requests against the big database for exactly as long as
 * `reprise export --format csv` takes to stream all of it (the export reads on its
 * own read-only connection; the submissions write through group commit meanwhile).
 */
function submitDuringExport(ctx: BenchContext, name: string, open: () => Promise<Desk>): Scenario {
  return {
    name,
    measure: async (): Promise<Row> => {
      const { server, databasePath } = await open();
      const bodies = Array.from({ length: 60 }, (_, i) => JSON.stringify(licensingRequest(i)));
      const load = autocannon({
        url: server.url,
        connections: CONNECTIONS,
        duration: 120,
        requests: rotating(bodies, JSON_HEADERS, 'POST', '/api/v1/requests'),
      });
      const started = Date.now();
      const exporter = spawn(
        process.execPath,
        [path.join(ctx.root, 'dist/src/cli/main.js'), 'export', '--format', 'csv'],
        {
          env: { ...process.env, ...ctx.env, DATABASE_PATH: databasePath },
          stdio: ['ignore', 'ignore', 'ignore'],
        },
      );
      const exportMs = await new Promise<number>((resolve) =>
        exporter.once('exit', () => resolve(Date.now() - started)),
      );
      load.stop();
      return toRow(name, await load, 201, `while the export ran (${(exportMs / 1000).toFixed(1)} s)`);
    },
  };
}
