// npm run screenshots: saves PNGs of the licensing form in English, French and Arabic
// at phone (375 px) and desktop (1280 px) widths into screenshots/ (git-ignored), so the
// pages can be looked at without running the server. Each language is shot twice: the
// empty form, and the form sent empty (with its error summary). Needs Chromium
// (apt-get install -y --no-install-recommends chromium, or CHROMIUM_PATH).
import fs from 'node:fs';
import path from 'node:path';
import { browserSkipReason, launchBrowser, startApp } from '../tests/helpers/browser.js';

const LOCALES = ['en', 'fr', 'ar'] as const;
const WIDTHS = { phone: 375, desktop: 1280 } as const;
const outDir = path.resolve(import.meta.dirname, '..', 'screenshots');

async function main(): Promise<number> {
  if (browserSkipReason('Screenshots')) return 1;
  fs.mkdirSync(outDir, { recursive: true });
  const app = await startApp();
  const browser = await launchBrowser();
  const saved: string[] = [];
  try {
    for (const [device, width] of Object.entries(WIDTHS)) {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width, height: 900 });
      for (const locale of LOCALES) {
        await page.goto(`${app.url}/licensing?lang=${locale}`);
        await page.locator('#live-quote p').waitFor(); // the script has run
        const file = path.join(outDir, `form-${locale}-${device}.png`);
        await page.screenshot({ path: file, fullPage: true });
        saved.push(file);
        await Promise.all([page.waitForNavigation(), page.locator('button.primary').press('Enter')]);
        const errors = path.join(outDir, `form-${locale}-${device}-errors.png`);
        await page.screenshot({ path: errors, fullPage: true });
        saved.push(errors);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await app.stop();
  }
  for (const f of saved) process.stderr.write(`saved ${path.relative(process.cwd(), f)}\n`);
  process.stderr.write(`${saved.length} screenshots in ${path.relative(process.cwd(), outDir) || '.'}/\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`screenshots failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
