// The README stays short and starts with the two commands that run and test the service; every
// relative link in it and in docs/*.md leads to a file that exists, and a link to a heading of a
// Markdown file (#anchor) to a heading that exists, as GitHub names its anchors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../../src/paths.js';

const read = (file: string) => fs.readFileSync(projectPath(file), 'utf8');

/** The README and every Markdown file in docs/, as paths from the project folder. */
function documentationFiles(): string[] {
  const docs = fs
    .readdirSync(projectPath('docs'))
    .filter((name) => name.endsWith('.md'))
    .sort();
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

/** The text without fenced code blocks and inline code spans, where nothing is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^( *)```[^\n]*\n[\s\S]*?^\1```$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Link targets: Markdown [text](target "title"), and href/src attributes of HTML tags. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const markdownLinks = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const htmlLinks = [...text.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
  return [...markdownLinks, ...htmlLinks];
}

/** The anchors GitHub gives a Markdown file's headings (github-slugger: lower case, punctuation dropped, spaces → -). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const withoutCode = markdown.replace(/^( *)```[^\n]*\n[\s\S]*?^\1```$/gm, '');
  for (const m of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${n}`);
  }
  // An anchor of its own (<a id="…"></a>) for a short, stable link to a long heading.
  for (const m of withoutCode.matchAll(/<a id="([^"]+)"><\/a>/g)) result.add(m[1]!);
  return result;
}

test('the README is under 300 lines', () => {
  const lines = read('README.md').split('\n');
  if (lines.at(-1) === '') lines.pop();
  assert.ok(lines.length < 300, `the README has ${lines.length} lines`);
});

test('the README starts with the two commands, and npm has the scripts they run', () => {
  const lines = read('README.md').split('\n');
  assert.equal(lines[0], '# Reprise');
  assert.equal(lines[1], '');
  assert.equal(lines[2], '```sh');
  assert.match(lines[3]!, /^npm ci && npm start(\s+#|$)/);
  assert.match(lines[4]!, /^npm ci && npm test(\s+#|$)/);
  assert.equal(lines[5], '```');
  const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  assert.ok(scripts.start && scripts.test, 'npm start and npm test have scripts to run');
});

test('the README shows a small screenshot from docs/images/', () => {
  const images = linkTargets(read('README.md')).filter((target) => /^docs\/images\/[^/]+\.png$/.test(target));
  assert.ok(images.length > 0, 'the README shows a PNG from docs/images/');
  for (const image of images) {
    const size = fs.statSync(projectPath(image)).size;
    assert.ok(size < 300_000, `${image} is ${size} bytes`);
  }
});

test('every relative link in the README and docs/*.md leads to a file, and to a heading that exists', () => {
  let checked = 0;
  for (const file of documentationFiles()) {
    for (const target of linkTargets(read(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // https:, mailto:…
      const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
      const linked =
        pathPart === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(pathPart)));
      assert.ok(!linked.startsWith('..'), `${file}: ${target} leads out of the project`);
      assert.ok(fs.existsSync(projectPath(linked)), `${file}: ${target} → ${linked} does not exist`);
      if (anchor !== undefined && linked.endsWith('.md')) {
        assert.ok(anchors(read(linked)).has(anchor), `${file}: ${target} → no heading "#${anchor}" in ${linked}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 30, `only ${checked} relative links found`);
});

test('every docs/… link in a code comment leads to a file, and to a heading that exists', () => {
  const sources = fs
    .readdirSync(projectPath('src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'));
  let checked = 0;
  for (const source of sources) {
    for (const m of read(`src/${source}`).matchAll(/(docs\/[a-z0-9-]+\.md)(?:#([a-z0-9-]+))?/g)) {
      assert.ok(fs.existsSync(projectPath(m[1]!)), `src/${source}: ${m[0]} does not exist`);
      if (m[2]) assert.ok(anchors(read(m[1]!)).has(m[2]), `src/${source}: ${m[0]} → no such heading`);
      checked++;
    }
  }
  assert.ok(checked >= 10, `only ${checked} links found in comments`);
});

test('…and it would notice: a missing file, a missing heading', () => {
  assert.deepEqual(linkTargets('See [a](docs/none.md#x) and `[b](not-a-link.md)` and <img src="pic.png">.'), [
    'docs/none.md#x',
    'pic.png',
  ]);
  const headings = anchors(
    '# Off-site, continuous: Litestream\n## The `reprise` command\n```sh\n# not a heading\n```\n## Filters, file names and `--out`\n## Notes\n## Notes\n',
  );
  assert.deepEqual(
    [...headings],
    ['off-site-continuous-litestream', 'the-reprise-command', 'filters-file-names-and---out', 'notes', 'notes-1'],
  );
});
