// npx tsx scripts/favicon.ts: draws public/icons/favicon.svg at 16 and 32 px in Chromium and writes them as
// public/icons/favicon.ico (an ICO holding PNGs), which /favicon.ico serves to browsers that ask for it by name.
// Run it again after changing the SVG. Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from '../tests/helpers/browser.js';

const dir = path.resolve(import.meta.dirname, '..', 'public', 'icons');
const svg = fs.readFileSync(path.join(dir, 'favicon.svg'));
const SIZES = [16, 32];

const browser = await launchBrowser();
const pngs: Buffer[] = [];
try {
  const page = await browser.context.newPage();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${svg.toString('base64')}`;
    await page.setContent(`<body style="margin:0"><img src="${src}" width="${size}" height="${size}">`);
    await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
    pngs.push(await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
  }
} finally {
  await browser.close();
}

// ICONDIR, then one ICONDIRENTRY per image, then the images (PNG inside ICO: Windows Vista and every browser since).
const header = Buffer.alloc(6 + 16 * pngs.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(pngs.length, 4);
let offset = header.length;
pngs.forEach((png, i) => {
  const entry = 6 + 16 * i;
  header.writeUInt8(SIZES[i]!, entry);
  header.writeUInt8(SIZES[i]!, entry + 1);
  header.writeUInt16LE(1, entry + 4);
  header.writeUInt16LE(32, entry + 6);
  header.writeUInt32LE(png.length, entry + 8);
  header.writeUInt32LE(offset, entry + 12);
  offset += png.length;
});
fs.writeFileSync(path.join(dir, 'favicon.ico'), Buffer.concat([header, ...pngs]));
console.log(`public/icons/favicon.ico: ${SIZES.join(' and ')} px, ${offset} bytes`);
