// One autocannon run and the row it becomes in the results table. Every ratio is
// taken against the plain Express server measured just before and just after, so
// load from other work on a shared machine moves both sides of the ratio alike.
import autocannon, { type Options, type RequestSpec, type Result } from 'autocannon';

export const CONNECTIONS = 10;
export const JSON_HEADERS = { 'content-type': 'application/json' };

/** Cycles through prepared bodies so no two neighbouring requests are identical. */
export function rotating(
  bodies: string[],
  headers: Record<string, string>,
  method = 'POST',
  path = '/',
): RequestSpec[] {
  let i = 0;
  return [{ method, path, headers, setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }];
}

export interface Row {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  ratio?: number;
  ok: number;
  unexpected: number;
  note?: string;
}

export async function run(opts: Options, duration: number): Promise<Result> {
  return autocannon({ connections: CONNECTIONS, duration, timeout: 30, ...opts });
}

/** Counts answers with the expected status; anything else (or a socket error) is "unexpected". */
export function toRow(scenario: string, r: Result, expected: number, note?: string): Row {
  const ok = r.statusCodeStats[String(expected)]?.count ?? 0;
  const all = Object.values(r.statusCodeStats).reduce((n, s) => n + s.count, 0);
  const unexpected = all - ok + r.errors + r.timeouts;
  // Say what went wrong, so a bad row can be chased down from the table alone.
  const odd = Object.entries(r.statusCodeStats)
    .filter(([code]) => code !== String(expected))
    .map(([code, s]) => `${s.count}×${code}`);
  if (r.errors) odd.push(`${r.errors} socket errors`);
  if (r.timeouts) odd.push(`${r.timeouts} timeouts`);
  return {
    scenario,
    rps: Math.round(ok / r.duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok,
    unexpected,
    note: [note, unexpected ? `unexpected: ${odd.join(', ')}` : ''].filter(Boolean).join('; ') || undefined,
  };
}

const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));

export function table(rows: Row[]): string {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'ratio', 'bad', 'note'];
  const cells = rows.map((r) => [
    r.scenario,
    r.rps.toLocaleString('en'),
    String(r.p50),
    String(r.p99),
    r.ratio === undefined ? '' : r.ratio.toFixed(2),
    String(r.unexpected),
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => pad(v, widths[i]!, i > 0 && i < 6)).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i > 0 && i < 6 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}
