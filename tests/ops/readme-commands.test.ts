// The commands shown in the README and in docs/*.md are the ones cli-on-path.test.ts runs: `reprise`
// and `bin/reprise` (no `npm run reprise`, whose banner lands in the data, no `npx reprise`, which may
// fetch a registry package of that name), with subcommands and options that exist, and no npm script
// piped without --silent. A new form in the README or docs/ needs a test there first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { projectPath } from '../../src/paths.js';
import { sh, shellEnv } from '../helpers/shell.js';

/** The README and every Markdown file in docs/, as paths from the project folder. */
function documentationFiles(): string[] {
  const docs = fs
    .readdirSync(projectPath('docs'))
    .filter((name) => name.endsWith('.md'))
    .sort();
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

/** Command lines in one Markdown file: every line of its sh blocks and every inline code span outside them. */
function commandLines(file: string): string[] {
  const readme = fs.readFileSync(projectPath(file), 'utf8');
  const lines: string[] = [];
  const prose = readme.replace(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm, (_all, _indent, lang: string, body: string) => {
    if (['sh', 'bash', 'shell', ''].includes(lang))
      lines.push(...body.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()));
    return '';
  });
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) lines.push(m[1].trim());
  return lines.filter(Boolean);
}

/**
 * The simple commands of a line, split at pipes and lists, each with whether its standard output is
 * data (piped or redirected). A leading runuser/sudo only changes the user, so it is dropped.
 */
function simpleCommands(line: string): { words: string[]; feedsData: boolean }[] {
  const pieces = line.split(/(\|\||&&|\||;)/);
  const commands: { words: string[]; feedsData: boolean }[] = [];
  for (let i = 0; i < pieces.length; i += 2) {
    let words = pieces[i].trim().split(/\s+/).filter(Boolean);
    while (words.length && /^[A-Z_]+=/.test(words[0])) words = words.slice(1);
    if (words[0] === 'runuser' && words.includes('--')) words = words.slice(words.indexOf('--') + 1);
    if (words[0] === 'sudo' && words[1] === '-u') words = words.slice(3);
    commands.push({ words, feedsData: pieces[i + 1] === '|' || pieces[i].includes('>') });
  }
  return commands;
}

test('every reprise and npm command in the README and docs/ is one of the tested forms, with real subcommands and options', () => {
  const TESTED_INVOKERS = ['bin/reprise', 'reprise'];
  const scripts = (
    JSON.parse(fs.readFileSync(projectPath('package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const helpOf = new Map<string, string>();
  const help = (sub: string) => {
    if (!helpOf.has(sub)) {
      const r = sh(`bin/reprise ${sub} --help`, projectPath(), shellEnv());
      assert.equal(r.code, 0, `reprise ${sub} --help: ${r.stderr}`);
      helpOf.set(sub, r.stdout.toString('utf8'));
    }
    return helpOf.get(sub)!;
  };
  const commandNames = [...help('').matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]);
  assert.ok(commandNames.includes('export') && commandNames.includes('backup'), commandNames.join(' '));

  const seenInReadme = new Set<string>();
  let checked = 0;
  const files = documentationFiles();
  assert.ok(files.includes('docs/operations.md') && files.includes('docs/exports.md'), files.join(' '));
  for (const file of files)
    for (const line of commandLines(file)) {
      for (const { words, feedsData } of simpleCommands(line)) {
        const [first, second, third] = words;
        assert.ok(
          !words.some((w) => /cli\/main\.(ts|js)/.test(w)),
          `${file}: "${line}" runs the CLI's file directly; show bin/reprise`,
        );
        assert.ok(
          !(first === 'npx' && words.includes('reprise')),
          `${file}: "${line}": npx may fetch a registry package; show bin/reprise`,
        );
        if (first === 'npm' && second === 'run' && third && !third.startsWith('-')) {
          assert.ok(third in scripts, `${file}: "${line}": there is no npm script "${third}"`);
          // npm prints its banner on stdout: a piped or redirected npm run needs --silent.
          assert.ok(
            !feedsData || words.includes('--silent') || words.includes('-s'),
            `${file}: "${line}" puts npm's banner in the data`,
          );
        }
        if (!/(^|\/)reprise$/.test(first ?? '') || words.length < 2) continue; // not the command, or its name in prose
        assert.ok(TESTED_INVOKERS.includes(first), `${file}: "${line}": ${first} is not a tested form`);
        if (file === 'README.md') seenInReadme.add(first);
        assert.ok(commandNames.includes(second), `${file}: "${line}": there is no "reprise ${second}"`);
        const text = help(second);
        if (second === 'user' && third && !third.startsWith('-'))
          assert.match(text, new RegExp(`\\b${third}\\b`), `${file}: "${line}"`);
        for (const option of words.join(' ').matchAll(/--[a-z][a-z-]*/g)) {
          assert.ok(text.includes(option[0]), `${file}: "${line}": reprise ${second} has no ${option[0]}`);
        }
        checked++;
      }
    }
  assert.deepEqual([...seenInReadme].sort(), [...TESTED_INVOKERS].sort(), 'the README shows each tested form');
  assert.ok(checked >= 15, `only ${checked} reprise commands found in the README and docs/`);
});
