// Real-browser tests: Debian's Chromium driven by playwright-core against the real
// app listening on an ephemeral port. `npx playwright install` cannot work here
// (no internet), so the system browser is used. Without it the e2e tests skip with
// the command that installs it, except in CI (CI=true) where a missing browser fails.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildTestApp, tempDir, type TestApp } from './app.js';
import { unusedPort } from './ports.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const INSTALL_HINT = 'apt-get install -y --no-install-recommends chromium';

/** Why the browser tests cannot run here, or undefined when they can. Throws in CI instead of skipping. */
export function browserSkipReason(what = 'Browser tests'): string | undefined {
  if (fs.existsSync(CHROMIUM_PATH)) return undefined;
  const message = `Chromium not found at ${CHROMIUM_PATH}. Install it with: ${INSTALL_HINT} (or set CHROMIUM_PATH).`;
  if (process.env.CI === 'true') throw new Error(`${message} In CI a missing browser is a failure, not a skip.`);
  process.stderr.write(`\n*** ${what} SKIPPED: ${message}\n\n`);
  return message;
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A fresh profile each time. `bypassCSP` is only for the axe audits: axe's script is
 * injected by the test, not served by us, and the page's CSP would refuse it.
 */
export async function launchBrowser(
  opts: { bypassCSP?: boolean; javaScriptEnabled?: boolean; width?: number; height?: number } = {},
): Promise<Browser> {
  const profile = tempDir('reprise-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    bypassCSP: opts.bypassCSP ?? false,
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface RunningApp extends TestApp {
  url: string;
  stop(): Promise<void>;
}

/**
 * The real app (temp SQLite, file mail transport) listening on 127.0.0.1 on a free port. With `host` or `port` it is
 * its own public address (PUBLIC_BASE_URL): `host: 'localhost'` for passkeys, which refuse an IP address as the
 * site's name; `port` chosen beforehand for a provider that must know the app's address before it starts.
 */
export async function startApp(
  env: Record<string, string> = {},
  opts: { host?: 'localhost' | '127.0.0.1'; port?: number } = {},
): Promise<RunningApp> {
  const ownAddress = opts.host !== undefined || opts.port !== undefined;
  const fixedPort = opts.port ?? (ownAddress ? await unusedPort() : 0);
  const host = opts.host ?? '127.0.0.1';
  const t = await buildTestApp(ownAddress ? { PUBLIC_BASE_URL: `http://${host}:${fixedPort}`, ...env } : env);
  const server: Server = await new Promise((resolve) => {
    const s = t.server.listen(fixedPort, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...t,
    url: `http://${host}:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/** Runs axe-core on the page (WCAG 2.0/2.1/2.2 A and AA) and returns its violations, readable. A very small page
 * passes fewer rules: `minRulesPassed` says how many show that axe really ran. */
export async function axeViolations(page: Page, minRulesPassed = 10): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const { violations, passes } = await page.evaluate(async (tags) => {
    type Result = { violations: AxeViolation[]; passes: unknown[] };
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<Result> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return { violations: result.violations, passes: result.passes.length };
  }, AXE_TAGS);
  // An audit that checked nothing would pass anything.
  if (passes < minRulesPassed) throw new Error(`axe checked only ${passes} rules: it did not really run`);
  return violations.flatMap((v) =>
    v.nodes.map(
      (n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`,
    ),
  );
}

/** Presses Tab until the focused element matches `selector` (keyboard only; fails after `limit` presses). */
export async function tabTo(page: Page, selector: string, limit = 120): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}
