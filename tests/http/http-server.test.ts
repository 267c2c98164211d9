// The real app on a Node HTTP server as src/main.ts makes it: headers, bodies, keep-alive, HEAD and errors,
// and a start that stops with a clear line when the port is taken.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { buildTestApp, tempDir } from '../helpers/app.js';
import { startServer } from '../helpers/server-process.js';
import { validRequest } from '../helpers/fixtures.js';

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: http.Server) {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

test('the real app on a Node server: form page, HEAD, quote, a bad body, a 404, and keep-alive', async () => {
  const t = await buildTestApp();
  const server = http.createServer(t.app);
  const base = await listen(server);
  after(async () => {
    await close(server);
    await t.close();
  });

  // As it is, not compressed (compression.test.ts), so the length announced is the length of the page.
  const page = await fetch(`${base}/licensing?lang=fr`, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  const html = await page.text();
  assert.match(html, /<html lang="fr"/);
  assert.equal(Number(page.headers.get('content-length')), Buffer.byteLength(html));

  const head = await fetch(`${base}/licensing`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');

  const quote = await fetch(`${base}/api/v1/quote`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(validRequest()),
  });
  assert.equal(quote.status, 200);
  assert.equal(typeof ((await quote.json()) as { totalMinor: unknown }).totalMinor, 'number');

  const bad = await fetch(`${base}/api/v1/quote`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"articles": [',
  });
  assert.equal(bad.status, 400);

  const missing = await fetch(`${base}/nowhere`);
  assert.equal(missing.status, 404);
  await missing.text();

  // Ten requests one after another on one kept-alive socket: each response object is fresh.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  for (let i = 0; i < 10; i++) {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.get(`${base}/licensing`, { agent }, (res) => {
        sockets.add(res.socket);
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
    assert.equal(status, 200);
  }
  assert.equal(sockets.size, 1);
  agent.destroy();
});

test('the service stops during start, with a clear log line, when its port is taken', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const dir = tempDir();
  after(() => {
    taken.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const env = {
    PORT: String((taken.address() as AddressInfo).port),
    DATABASE_PATH: path.join(dir, 'r.db'),
    MAIL_DIR: path.join(dir, 'mail'),
  };
  await assert.rejects(startServer(env), (err: Error) => {
    assert.match(err.message, /server exited during start/);
    assert.match(err.message, /the HTTP server failed/);
    assert.match(err.message, /EADDRINUSE/);
    return true;
  });
});
