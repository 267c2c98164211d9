// Stored links are ASCII; people read their letters. What could disguise an address stays encoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readableLink } from '../../src/i18n/readable-link.js';

test('percent-encoded letters in French and Arabic read as letters; ASCII escapes stay as stored', () => {
  assert.equal(
    readableLink('https://journal.example/%C3%A9conomie/la-dette?page=%C3%A9#%C3%A0-la-une'),
    'https://journal.example/économie/la-dette?page=é#à-la-une',
  );
  assert.equal(readableLink('https://akhbar.example/%D9%82%D8%B5%D8%A9-2026'), 'https://akhbar.example/قصة-2026');
  assert.equal(readableLink('https://news.example/a%2Fb%20c%3F'), 'https://news.example/a%2Fb%20c%3F');
  assert.equal(readableLink('https://news.example/plain'), 'https://news.example/plain');
});

test('the host is never decoded, nor a link with a user name, nor one not in the stored form', () => {
  for (const url of [
    'https://%D0%B0pple.example/news/%C3%A9', // a Cyrillic "а": not the stored form (its host would be punycode)
    'https://xn--pple-43d.example/news', // stored as punycode, shown so
    'https://planet.example%EF%BC%8F2026@evil.example/x', // a fullwidth slash before the "@"
    'https://user:%C3%A9@news.example/%C3%A9',
    'http://news.example:80/%C3%A9', // a browser drops the default port
  ]) {
    assert.equal(readableLink(url), url, url);
  }
  assert.equal(readableLink('https://xn--pple-43d.example/%C3%A9'), 'https://xn--pple-43d.example/é');
});

test('invisible characters, blanks, a mark with nothing before it and bytes that are not UTF-8 stay encoded', () => {
  const hidden = [
    '%E2%80%AE', // right-to-left override
    '%C2%A0', // no-break space
    '%E2%80%8B', // zero-width space
    '%E3%85%A4', // Hangul filler, a "letter"
    '%E1%85%9F', // Hangul choseong filler
    '%EF%BE%A0', // halfwidth Hangul filler
    '%CD%8F', // combining grapheme joiner
    '%EF%B8%8F', // variation selector 16
    '%E1%A0%8B', // Mongolian free variation selector
    '%E1%9E%B4', // Khmer inherent vowel
    '%E2%A0%80', // Braille blank
    '%CC%B8', // a combining overlay, which would strike the "/" before it
    '%C3',
    '%FF%FE',
    '%C3%A9%E2%80%AE',
  ];
  for (const encoded of hidden) {
    const url = `https://news.example/a/${encoded}b`;
    assert.equal(readableLink(url), url, encoded);
  }
});
