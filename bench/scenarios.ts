// The Reprise scenarios, in the order they run. Each returns one table row; the
// submission scenarios also check that every acknowledged request is in the file.
import Database from 'better-sqlite3';
import type { RequestSpec } from 'autocannon';
import { formTokens } from '../src/services/form-tokens.js';
import type { Server } from './processes.js';
import { JSON_HEADERS, rotating, run, toRow, type Row } from './measure.js';
import { formBody, licensingRequest } from './bodies.js';
import { staffScenarios } from './staff.js';

export interface Scenario {
  name: string;
  measure(server: Server, duration: number): Promise<Row>;
}

export interface BenchContext {
  smoke: boolean;
  formSecret: string;
  dir: string;
  root: string;
  env: Record<string, string>;
  /** Extra servers a scenario starts; the runner stops them all at the end. */
  servers: Server[];
}

const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

export function storedRequests(ctx: BenchContext): number {
  const db = new Database(ctx.env.DATABASE_PATH!, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * What plain Express does with the same work as two of the service's scenarios: send the form page's bytes,
 * and parse a quote's JSON body and send it back. Their ratios are the ceilings for GET /licensing and
 * POST /api/v1/quote on this machine.
 */
export function ceilingScenarios(plain: Server, pageBytes: number): Scenario[] {
  const jsonBodies = Array.from({ length: 120 }, (_, i) => JSON.stringify(licensingRequest(i)));
  const page = `ceiling: plain Express sending ${pageBytes.toLocaleString('en')} bytes`;
  const json = 'ceiling: plain Express, express.json() echo';
  return [
    { name: page, measure: async (_s, d) => toRow(page, await run({ url: `${plain.url}/page` }, d), 200) },
    {
      name: json,
      measure: async (_s, d) =>
        toRow(
          json,
          await run({ url: plain.url, requests: rotating(jsonBodies, JSON_HEADERS, 'POST', '/json') }, d),
          200,
        ),
    },
  ];
}

export function reprisescenarios(ctx: BenchContext): Scenario[] {
  const jsonBodies = Array.from({ length: 120 }, (_, i) => JSON.stringify(licensingRequest(i)));
  // Form tokens are stateless HMACs: minted here with the service's FORM_SECRET, each
  // one fresh, so every POST is a new request and not an idempotent replay.
  const tokens = formTokens(ctx.formSecret, 0);
  let formSeq = 0;
  let acknowledged = 0;
  const checkStored = (row: Row): Row => {
    acknowledged += row.ok;
    const stored = storedRequests(ctx);
    return { ...row, note: `acknowledged ${acknowledged.toLocaleString('en')}, stored ${stored.toLocaleString('en')}` };
  };

  return [
    {
      name: 'GET /licensing',
      measure: async (s, d) => toRow('GET /licensing', await run({ url: `${s.url}/licensing` }, d), 200),
    },
    {
      // The requester's page of one request: its status, history, quote, messages and forms, read per view.
      name: "GET the requester's page",
      measure: async (s, d) => {
        const made = await fetch(`${s.url}/api/v1/requests`, {
          method: 'POST',
          headers: JSON_HEADERS,
          body: jsonBodies[0],
        });
        const page = made.headers.get('location');
        if (made.status !== 201 || !page) throw new Error(`could not make a request to view: ${made.status}`);
        return toRow("GET the requester's page", await run({ url: `${s.url}${page}` }, d), 200);
      },
    },
    {
      name: 'POST /api/v1/quote',
      measure: async (s, d) =>
        toRow(
          'POST /api/v1/quote',
          await run({ url: s.url, requests: rotating(jsonBodies, JSON_HEADERS, 'POST', '/api/v1/quote') }, d),
          200,
        ),
    },
    {
      name: 'POST /api/v1/requests (FULL)',
      measure: async (s, d) =>
        checkStored(
          toRow(
            'POST /api/v1/requests (FULL)',
            await run({ url: s.url, requests: rotating(jsonBodies, JSON_HEADERS, 'POST', '/api/v1/requests') }, d),
            201,
          ),
        ),
    },
    {
      name: 'POST /licensing',
      measure: async (s, d) => {
        const requests: RequestSpec[] = [
          {
            method: 'POST',
            path: '/licensing',
            headers: FORM_HEADERS,
            setupRequest: (req) => ({ ...req, body: formBody(tokens.issue(new Date()), formSeq++) }),
          },
        ];
        return checkStored(toRow('POST /licensing (form, FULL)', await run({ url: s.url, requests }, d), 303));
      },
    },
    ...staffScenarios(ctx),
  ];
}
