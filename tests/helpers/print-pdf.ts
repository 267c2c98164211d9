// Prints one small Arabic document to the PDF file named by its argument with the service's printer, then stops
// it: what tests/ops/pdf-under-unit.test.ts runs under the service unit's system call filter.
import fs from 'node:fs';
import { chromiumPdf } from '../../src/pdf/chromium-pdf.js';

const printer = chromiumPdf(process.env.CHROMIUM_PATH || '/usr/bin/chromium');
try {
  const html = '<!doctype html><html lang="ar" dir="rtl"><meta charset="utf-8"><h1>الترخيص LIC-2026-000001</h1></html>';
  fs.writeFileSync(process.argv[2]!, await printer.print(html));
} finally {
  await printer.close();
}
