// Comment share of the TypeScript under a folder (default src/): comment lines over non-blank lines, the longest
// run of consecutive comment lines (a file's opening block counted apart), and the lines over 120 characters.
// Usage: npx tsx scripts/comment-stats.ts [folder or file] [--runs N]   (--runs lists every run longer than N lines)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const runsFlag = args.indexOf('--runs');
const listOver = runsFlag >= 0 ? Number(args[runsFlag + 1]) : Infinity;
const root = args.find((arg, index) => !arg.startsWith('--') && (runsFlag < 0 || index !== runsFlag + 1)) ?? 'src';

function typescriptFiles(folder: string): string[] {
  if (statSync(folder).isFile()) return [folder];
  return readdirSync(folder)
    .flatMap((name) => {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) return typescriptFiles(path);
      return name.endsWith('.ts') ? [path] : [];
    })
    .sort();
}

/** Line numbers (0-based) whose every non-blank character lies inside a comment. */
function commentLines(file: string, text: string): Set<number> {
  const inComment = new Uint8Array(text.length);
  const mark = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) inComment.fill(1, range.pos, range.end);
  };
  const visit = (node: ts.Node, source: ts.SourceFile) => {
    mark(ts.getLeadingCommentRanges(text, node.pos));
    mark(ts.getTrailingCommentRanges(text, node.end));
    for (const child of node.getChildren(source)) visit(child, source);
  };
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  visit(source, source);
  const lines = new Set<number>();
  let start = 0;
  text.split('\n').forEach((line, index) => {
    let code = false;
    let any = false;
    for (let i = 0; i < line.length; i++) {
      if (/\s/.test(line[i])) continue;
      any = true;
      if (!inComment[start + i]) code = true;
    }
    if (any && !code) lines.add(index);
    start += line.length + 1;
  });
  return lines;
}

let nonBlank = 0;
let comments = 0;
let wide = 0;
const runs: { file: string; line: number; length: number; header: boolean }[] = [];
for (const file of typescriptFiles(root)) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const commented = commentLines(file, text);
  nonBlank += lines.filter((line) => line.trim() !== '').length;
  comments += commented.size;
  wide += lines.filter((line) => line.length > 120).length;
  const firstCode = lines.findIndex((line, index) => line.trim() !== '' && !commented.has(index));
  for (let index = 0; index < lines.length; index++) {
    if (!commented.has(index) || commented.has(index - 1)) continue;
    let end = index;
    while (commented.has(end + 1)) end++;
    runs.push({ file, line: index + 1, length: end - index + 1, header: firstCode < 0 || index < firstCode });
  }
}

runs.sort((a, b) => b.length - a.length);
const longest = (header: boolean) => runs.find((run) => run.header === header);
const describe = (run?: (typeof runs)[number]) => (run ? `${run.length} lines (${run.file}:${run.line})` : 'none');
console.log(
  `${root}: ${nonBlank} non-blank lines, ${comments} comment lines (${((100 * comments) / nonBlank).toFixed(1)} %)`,
);
console.log(`longest comment run: ${describe(longest(false))}; longest file header: ${describe(longest(true))}`);
console.log(`lines over 120 characters: ${wide}`);
for (const run of runs.filter((run) => run.length > listOver)) {
  console.log(`  ${run.length}\t${run.file}:${run.line}${run.header ? ' (header)' : ''}`);
}
