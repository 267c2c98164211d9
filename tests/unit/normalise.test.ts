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
