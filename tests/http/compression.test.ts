// Responses are compressed as the client asks (brotli or gzip) and sent as they are when it does not ask; assets
// keep their year-long cache lifetime either way; the streamed export is never compressed (export-admin.test.ts).
// Raw node:http requests, so the bytes on the wire are what is checked, not a client's decoding of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { projectPath } from '../../src/paths.js';

let t: TestApp;
let base: string;
before(async () => {
  t = await buildTestApp();
  await new Promise<void>((resolve) => t.server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}`;
});
after(async () => {
  t.server.closeAllConnections();
  await new Promise((resolve) => t.server.close(resolve));
  await t.close();
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .get(base + path, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const DECODE: Record<string, (b: Buffer) => Buffer> = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync };

async function assertNegotiated(path: string, expected: (text: string) => void) {
  const plain = await get(path);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined, `${path}: not compressed when not asked`);
  assert.equal(Number(plain.headers['content-length']), plain.body.length);
  expected(plain.body.toString('utf8'));

  for (const [accept, encoding] of [
    ['br, gzip, deflate', 'br'],
    ['gzip, deflate', 'gzip'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
  ] as const) {
    const res = await get(path, { 'accept-encoding': accept });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], encoding, `${path} with Accept-Encoding: ${accept}`);
    assert.match(String(res.headers.vary), /Accept-Encoding/i);
    const text = DECODE[encoding]!(res.body).toString('utf8');
    expected(text);
    assert.ok(res.body.length < text.length / 2, `${path}: ${res.body.length} bytes for ${text.length}`);
  }
  const identity = await get(path, { 'accept-encoding': 'identity' });
  assert.equal(identity.headers['content-encoding'], undefined);
}

test('the form page comes as gzip whenever the browser takes it, brotli when only that, as it is when neither', async () => {
  const path = `/licensing?lang=fr&url=${encodeURIComponent('https://news.example/a?b=1&c=2')}&title=${encodeURIComponent('Un <titre> & "guillemets"')}`;
  const withoutToken = (html: string) => html.replace(/name="form_token" value="[^"]+"/, 'name="form_token" value=""');
  const plain = await get(path, { 'accept-encoding': 'identity' });
  assert.equal(plain.headers['content-encoding'], undefined);
  const html = plain.body.toString('utf8');
  assert.match(html, /<html lang="fr" dir="ltr">/);
  assert.match(html, /value="Un &lt;titre&gt; &amp; &quot;guillemets&quot;"/);

  for (const [accept, encoding] of [
    ['gzip, deflate, br, zstd', 'gzip'], // what Chromium and Firefox send
    ['br;q=1, gzip;q=0.5', 'gzip'],
    ['br', 'br'],
  ] as const) {
    const res = await get(path, { 'accept-encoding': accept });
    assert.equal(res.headers['content-encoding'], encoding, accept);
    assert.match(String(res.headers.vary), /Accept-Encoding/i);
    // gunzip checks the member's CRC and length: the pieces compressed apart make one valid gzip member.
    const text = DECODE[encoding]!(res.body).toString('utf8');
    assert.equal(withoutToken(text), withoutToken(html), `${accept}: the same page`);
    assert.ok(res.body.length < html.length / 4, `${accept}: ${res.body.length} bytes for ${html.length}`);
    if (encoding === 'gzip') {
      assert.equal(Number(res.headers['content-length']), res.body.length);
      const whole = zlib.gzipSync(plain.body).length;
      assert.ok(res.body.length < whole * 1.1, `in pieces ${res.body.length} bytes, compressed whole ${whole}`);
    }
  }
  const page = await get('/licensing', { 'accept-encoding': 'gzip' });
  assert.equal(page.headers['cache-control'], 'no-store', 'the form (with its token) is still never stored');
  // Two views: the fixed parts compressed once are the same bytes, the tokens differ.
  const again = await get('/licensing', { 'accept-encoding': 'gzip' });
  assert.notEqual(zlib.gunzipSync(again.body).toString(), zlib.gunzipSync(page.body).toString());
});

test('a CSS asset comes compressed when asked and keeps its year-long cache lifetime', async () => {
  const html = (await get('/licensing')).body.toString('utf8');
  const href = /href="(\/assets\/css\/site\.css\?v=\w+)"/.exec(html)?.[1];
  assert.ok(href, 'the page links its versioned stylesheet');
  const css = fs.readFileSync(projectPath('public/css/site.css'), 'utf8');
  await assertNegotiated(href, (text) => assert.equal(text, css));
  for (const accept of [undefined, 'br']) {
    const res = await get(href, accept ? { 'accept-encoding': accept } : {});
    assert.match(String(res.headers['cache-control']), /max-age=31536000/);
    assert.match(String(res.headers['cache-control']), /immutable/);
  }
});

test('a small answer (the health check) is sent as it is, even when compression is asked for', async () => {
  const health = await get('/healthz', { 'accept-encoding': 'br' });
  assert.equal(health.status, 200);
  assert.equal(health.headers['content-encoding'], undefined, 'under 1 kB: not worth compressing');
});
