// Text normalisation before validation: NFC (with an ASCII shortcut), trimmed,
// control characters reported at their JSON Pointer, "__proto__" kept as data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalise } from '../../src/validation/normalise.js';

test('text is NFC and trimmed, ASCII or not; nested values keep their shape', () => {
  const { value, issues } = normalise({ a: '  Cafe\u0301 ', b: [' plain ', 3, true, null], c: { d: 'e\u0301\u0301' } });
  assert.deepEqual(value, { a: 'Café', b: ['plain', 3, true, null], c: { d: 'e\u0301\u0301'.normalize('NFC') } });
  assert.deepEqual(issues, []);
});

test('control characters are reported at the field, with "~" and "/" in keys escaped', () => {
  const { issues } = normalise({
    'a/b': 'x\u0000',
    'c~d': ['ok', 'y\u202E'],
    message: 'line\nbreak',
    title: 'line\nbreak',
  });
  assert.deepEqual(
    issues.map((i) => [i.path, i.key]),
    [
      ['/a~1b', 'controlCharsSingleLine'],
      ['/c~0d/1', 'controlCharsSingleLine'],
      ['/title', 'controlCharsSingleLine'],
    ],
  );
});

test('a "__proto__" key stays an own, enumerable field and changes no prototype', () => {
  const { value } = normalise(JSON.parse('{"__proto__": {"polluted": " yes "}, "x": "1"}')) as {
    value: Record<string, unknown>;
  };
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.keys(value), ['__proto__', 'x']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { polluted: 'yes' });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('article and website links take the form browsers give them; nothing else does', () => {
  const fr = 'https://journal.example/économie/2026/la-dette?page=é#suite';
  const ar = 'https://akhbar.example/اقتصاد/قصة';
  const { value, issues } = normalise({
    organisation: { website: 'https://Bücher.example' },
    articles: [
      { url: fr, title: fr },
      { url: ar },
      { url: 'HTTPS://News.Example:443/a%20b/%d8%a7' }, // as a CMS may write it: the same link as the one above it
      { url: 'https://x.example/é è' }, // a space: left for the schema to refuse
      { url: 'https://planet.example／story@evil.example/x' }, // a user name: left for the schema to refuse
    ],
  });
  assert.deepEqual(issues, []);
  assert.deepEqual(value, {
    organisation: { website: 'https://xn--bcher-kva.example/' },
    articles: [
      { url: 'https://journal.example/%C3%A9conomie/2026/la-dette?page=%C3%A9#suite', title: fr },
      { url: 'https://akhbar.example/%D8%A7%D9%82%D8%AA%D8%B5%D8%A7%D8%AF/%D9%82%D8%B5%D8%A9' },
      { url: 'https://news.example/a%20b/%D8%A7' },
      { url: 'https://x.example/é è' },
      { url: 'https://planet.example／story@evil.example/x' },
    ],
  });
});

test('a control character in a link is refused as typed, not percent-encoded out of sight', () => {
  for (const url of ['https://x.example/a\u202Eb', 'https://x.example/é\u0001']) {
    const { value, issues } = normalise({ articles: [{ url }] });
    assert.deepEqual(
      issues.map((i) => [i.path, i.key]),
      [['/articles/0/url', 'controlCharsSingleLine']],
    );
    assert.deepEqual(value, { articles: [{ url }] });
  }
});
