// Stored links are ASCII; people read their letters. What could disguise an address stays encoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readableLink } from '../../src/i18n/readable-link.js';

test('percent-encoded letters in French and Arabic read as letters; ASCII escapes and the host stay as stored', () => {
  assert.equal(
    readableLink('https://journal.example/%C3%A9conomie/la-dette?page=%C3%A9'),
    'https://journal.example/économie/la-dette?page=é',
  );
  assert.equal(readableLink('https://akhbar.example/%D9%82%D8%B5%D8%A9-2026'), 'https://akhbar.example/قصة-2026');
  assert.equal(
    readableLink('https://xn--bcher-kva.example/a%2Fb%20c%3F'),
    'https://xn--bcher-kva.example/a%2Fb%20c%3F',
  );
  assert.equal(readableLink('https://news.example/plain'), 'https://news.example/plain');
});

test('invisible characters, spaces beyond ASCII and bytes that are not UTF-8 are not decoded', () => {
  for (const encoded of ['%E2%80%AE', '%C2%A0', '%E2%80%8B', '%C3', '%FF%FE', '%C3%A9%E2%80%AE']) {
    const url = `https://news.example/a${encoded}b`;
    assert.equal(readableLink(url), url, encoded);
  }
});
