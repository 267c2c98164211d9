// Licence PDFs printed by Chromium from the licence page's own HTML. Chromium shapes Arabic and orders mixed
// right-to-left text (digits, Latin names) by the Unicode bidi algorithm as the browser does, embeds the fonts as
// subsets and writes real text; it runs in its own process, so a PDF costs the event loop only the messages to it
// (README, "The licence PDF", says why this and not pdfkit or pdf-lib).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { projectPath } from '../paths.js';

/** Chromium flags for a server: no sandbox namespaces needed inside systemd's own, no GPU, no first-run work. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-extensions',
  // The document is a file; its fonts are files beside the code.
  '--allow-file-access-from-files',
];
/** At most this many PDFs are printed at once; the others wait their turn. */
const CONCURRENT = 2;
/** How long one print may take before it is given up (one takes ~0.5 s; bench/RESULTS.md). */
const PRINT_MS = 30_000;

const require = createRequire(import.meta.url);
/** Arabic letters and presentation forms: the PDF's Arabic comes from Amiri, the rest from Noto Sans. */
const ARABIC = 'U+0600-06FF,U+0750-077F,U+08A0-08FF,U+FB50-FDFF,U+FE70-FEFF';
// Fonts are read by Chromium from their files (the document is opened from a file, see print()): inlined, they
// went through the messages to Chromium with every PDF.
const fontFace = (family: string, file: string, weight: number, unicodeRange?: string, sizeAdjust?: string) => {
  const format = file.endsWith('.ttf') ? 'truetype' : 'woff2';
  const url = pathToFileURL(require.resolve(file)).href;
  const range = unicodeRange ? `;unicode-range:${unicodeRange}` : '';
  const size = sizeAdjust ? `;size-adjust:${sizeAdjust}` : '';
  return `@font-face{font-family:'${family}';font-weight:${weight}${range}${size};src:url('${url}') format('${format}')}`;
};

/**
 * The fonts every licence is printed with, embedded in the page so the PDF never depends on the server's fonts.
 * Arabic is set in Amiri, whose lam-alef is two glyphs: poppler's pdftotext reads back the one-glyph ligature of
 * other fonts reversed ("الاقتصاد" → "االقتصاد"), or splits words (docs/internals.md#arabic-pdf-text).
 */
function printFonts(): string {
  const faces = [400, 700].flatMap((weight) => [
    fontFace('Noto Sans', `@fontsource/noto-sans/files/noto-sans-latin-${weight}-normal.woff2`, weight),
    fontFace('Noto Sans', `@fontsource/noto-sans/files/noto-sans-latin-ext-${weight}-normal.woff2`, weight),
    // Amiri's letters are small beside Noto Sans at one size: enlarged to match.
    fontFace('Licence Arabic', `@fontsource/amiri/files/amiri-arabic-${weight}-normal.woff2`, weight, ARABIC, '120%'),
  ]);
  // Unkerned, Amiri's letters keep their places: kerned pairs (reh then yeh) read back as two words.
  return `${faces.join('')}body,.reference{font-family:'Licence Arabic','Noto Sans',sans-serif;font-kerning:none}`;
}

let styles: string | undefined;
/** The site's stylesheet and the fonts, for a document printed with nothing fetched (read once). */
export function printStyles(): string {
  styles ??= fs.readFileSync(projectPath('public', 'css', 'site.css'), 'utf8') + printFonts();
  return styles;
}

export class PdfUnavailable extends Error {}

let documents: string | undefined;
/** A private folder for the documents being printed (owner-only, like everything the service writes). */
const documentsDir = () => (documents ??= fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-print-')));

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
      const file = path.join(documentsDir(), `${crypto.randomUUID()}.html`);
      const context = await running$.newContext({ javaScriptEnabled: false, offline: true });
      // A page process that hangs instead of crashing would hold the request for ever: a deadline answers it.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new PdfUnavailable(`Chromium did not print within ${PRINT_MS / 1000} s`)),
          PRINT_MS,
        );
      });
      try {
        await fs.promises.writeFile(file, html);
        const printing = (async () => {
          const page = await context.newPage();
          await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
          return page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
        })();
        printing.catch(() => undefined); // past the deadline its failure has no one left to tell
        return await Promise.race([printing, deadline]);
      } finally {
        clearTimeout(timer);
        await context.close();
        await fs.promises.rm(file, { force: true });
        running--;
        waiting.shift()?.();
      }
    },
    async close() {
      closed = true;
      const open = browser;
      browser = undefined;
      if (open) await (await open.catch(() => undefined))?.close();
      if (documents) fs.rmSync(documents, { recursive: true, force: true });
      documents = undefined;
    },
  };
}

export type PdfPrinter = ReturnType<typeof chromiumPdf>;
