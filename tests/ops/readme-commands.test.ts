// The README's commands are the ones cli-on-path.test.ts runs: `reprise` and `bin/reprise` (no
// `npm run reprise`, whose banner lands in the data, no `npx reprise`, which may fetch a registry
// package of that name), with subcommands and options that exist, and no npm script piped without
// --silent. A new form in the README needs a test there first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { projectPath } from '../../src/paths.js';
import { sh, shellEnv } from '../helpers/shell.js';

/** Command lines in the README: every line of its sh blocks and every inline code span outside them. */
function readmeCommandLines(): string[] {
  const readme = fs.readFileSync(projectPath('README.md'), 'utf8');
  const lines: string[] = [];
  const prose = readme.replace(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm, (_all, _indent, lang: string, body: string) => {
    if (['sh', 'bash', 'shell', ''].includes(lang)) lines.push(...body.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()));
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

test('every reprise and npm command in the README is one of the tested forms, with real subcommands and options', () => {
  const TESTED_INVOKERS = ['bin/reprise', 'reprise'];
  const scripts = (JSON.parse(fs.readFileSync(projectPath('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
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

  const seen = new Set<string>();
  let checked = 0;
  for (const line of readmeCommandLines()) {
    for (const { words, feedsData } of simpleCommands(line)) {
      const [first, second, third] = words;
      assert.ok(!words.some((w) => /cli\/main\.(ts|js)/.test(w)), `README: "${line}" runs the CLI's file directly; show bin/reprise`);
      assert.ok(!(first === 'npx' && words.includes('reprise')), `README: "${line}": npx may fetch a registry package; show bin/reprise`);
      if (first === 'npm' && second === 'run' && third && !third.startsWith('-')) {
        assert.ok(third in scripts, `README: "${line}": there is no npm script "${third}"`);
        // npm prints its banner on stdout: a piped or redirected npm run needs --silent.
        assert.ok(!feedsData || words.includes('--silent') || words.includes('-s'), `README: "${line}" puts npm's banner in the data`);
      }
      if (!/(^|\/)reprise$/.test(first ?? '') || words.length < 2) continue; // not the command, or its name in prose
      assert.ok(TESTED_INVOKERS.includes(first), `README: "${line}": ${first} is not a tested form`);
      seen.add(first);
      assert.ok(commandNames.includes(second), `README: "${line}": there is no "reprise ${second}"`);
      const text = help(second);
      if (second === 'user' && third && !third.startsWith('-')) assert.match(text, new RegExp(`\\b${third}\\b`), `README: "${line}"`);
      for (const option of words.join(' ').matchAll(/--[a-z][a-z-]*/g)) {
        assert.ok(text.includes(option[0]), `README: "${line}": reprise ${second} has no ${option[0]}`);
      }
      checked++;
    }
  }
  assert.deepEqual([...seen].sort(), [...TESTED_INVOKERS].sort(), 'the README shows each tested form');
  assert.ok(checked >= 15, `only ${checked} reprise commands found in the README`);
});
