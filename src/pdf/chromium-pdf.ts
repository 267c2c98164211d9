// Licence PDFs printed by Chromium from the licence page's own HTML. Chromium shapes Arabic and orders mixed
// right-to-left text (digits, Latin names) by the Unicode bidi algorithm as the browser does, embeds the fonts as
// subsets and writes real text; it runs in its own process, so a PDF costs the event loop only the messages to it
// (README, "The licence PDF", says why this and not pdfkit or pdf-lib).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser } from 'playwright-core';
import { projectPath } from '../paths.js';

/** Chromium flags for a server: no sandbox namespaces needed inside systemd's own, no GPU, no first-run work. */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'];
/** At most this many PDFs are printed at once; the others wait their turn. */
const CONCURRENT = 2;

const require = createRequire(import.meta.url);
const fontFace = (family: string, file: string, weight: number) => {
  const data = fs.readFileSync(require.resolve(file)).toString('base64');
  return `@font-face{font-family:'${family}';font-weight:${weight};src:url(data:font/woff2;base64,${data}) format('woff2')}`;
};

/** The fonts every licence is printed with, embedded in the page so the PDF never depends on the server's fonts. */
function printFonts(): string {
  const faces = [400, 700].flatMap((weight) => [
    fontFace('Noto Sans', `@fontsource/noto-sans/files/noto-sans-latin-${weight}-normal.woff2`, weight),
    fontFace('Noto Sans', `@fontsource/noto-sans/files/noto-sans-latin-ext-${weight}-normal.woff2`, weight),
    fontFace(
      'Noto Sans Arabic',
      `@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-${weight}-normal.woff2`,
      weight,
    ),
  ]);
  return `${faces.join('')}body,.reference{font-family:'Noto Sans','Noto Sans Arabic',sans-serif}`;
}

let styles: string | undefined;
/** The site's stylesheet and the fonts, for a document printed with nothing fetched (read once). */
export function printStyles(): string {
  styles ??= fs.readFileSync(projectPath('public', 'css', 'site.css'), 'utf8') + printFonts();
  return styles;
}

export class PdfUnavailable extends Error {}

export function chromiumPdf(executablePath: string | null) {
  let browser: Promise<Browser> | undefined;
  let running = 0;
  let closed = false;
  const waiting: (() => void)[] = [];

  const launch = () => {
    // A print asked for while the service shuts down would start a browser nobody closes.
    if (closed) throw new PdfUnavailable('The PDF printer is shut down');
    if (!executablePath || !fs.existsSync(executablePath)) {
      throw new PdfUnavailable(`Chromium is not installed at ${executablePath ?? '(CHROMIUM_PATH unset)'}`);
    }
    browser ??= chromium.launch({ executablePath, headless: true, args: ARGS }).catch((error: unknown) => {
      browser = undefined;
      throw new PdfUnavailable(`Chromium did not start: ${error instanceof Error ? error.message : String(error)}`);
    });
    return browser;
  };

  return {
    available: () => !!executablePath && fs.existsSync(executablePath),
    /** An A4 PDF of a complete HTML document (styles and fonts inline; nothing is fetched). */
    async print(html: string): Promise<Buffer> {
      const running$ = await launch();
      if (running >= CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
      running++;
      const context = await running$.newContext({ javaScriptEnabled: false, offline: true });
      try {
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: 'load' });
        return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      } finally {
        await context.close();
        running--;
        waiting.shift()?.();
      }
    },
    async close() {
      closed = true;
      const open = browser;
      browser = undefined;
      if (open) await (await open.catch(() => undefined))?.close();
    },
  };
}

export type PdfPrinter = ReturnType<typeof chromiumPdf>;
