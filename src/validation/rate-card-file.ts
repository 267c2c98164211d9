// Loads the rate card that prices every quote. A broken card must stop the service at start, with every
// problem listed at once, rather than misprice requests later: the file is checked against its schema, then
// against rules a schema cannot express (band order, band coverage, a fee for every medium). It reads files,
// so it is the loader, called once at start, and not part of the domain.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { projectPath } from '../paths.js';
import type { RateCard } from '../domain/quote-types.js';

export const DEFAULT_RATE_CARD_PATH: string = projectPath('config', 'rate-card.json');

const RATE_CARD_SCHEMA_ID = 'https://reprise.example/schemas/rate-card.schema.json';

interface DefsSchema {
  $defs: {
    medium: { enum: string[] };
    article: { properties: { extractWords: { maximum: number } } };
    usage: { properties: { audience: { maximum: number }; durationMonths: { maximum: number } } };
  };
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// Compiled on first use and kept: the schemas do not change while the process runs.
let compiled: { validate: ValidateFunction; defs: DefsSchema } | undefined;

function validator(): { validate: ValidateFunction; defs: DefsSchema } {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, strict: true });
  // ajv-formats is CommonJS; under NodeNext its callable lives on `.default` for the type checker and at run time.
  addFormats.default(ajv);
  const defs = readJson(projectPath('schemas', 'defs.schema.json')) as DefsSchema;
  ajv.addSchema(defs as object);
  ajv.addSchema(readJson(projectPath('schemas', 'rate-card.schema.json')) as object);
  const validate = ajv.getSchema(RATE_CARD_SCHEMA_ID);
  if (!validate) throw new Error(`Schema ${RATE_CARD_SCHEMA_ID} did not compile`);
  compiled = { validate, defs };
  return compiled;
}

function describeAjvError(error: ErrorObject): string {
  const at = error.instancePath || '(top level)';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${at}: unknown property "${String(params.additionalProperty)}"`;
    case 'required':
      return `${at}: missing required property "${String(params.missingProperty)}"`;
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((value) => JSON.stringify(value));
      return `${at}: must be one of ${allowed.join(', ')}`;
    }
    default:
      return `${at}: ${error.message ?? error.keyword}`;
  }
}

// These run even when the schema failed, so one attempt reports everything: the data may be any shape.
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const numbersAt = (list: unknown, key: string): number[] | undefined => {
  if (!Array.isArray(list)) return undefined;
  const values = list.map((item) => (isRecord(item) ? item[key] : undefined));
  return values.every((value): value is number => typeof value === 'number') ? values : undefined;
};

function bandProblems(card: Record<string, unknown>, field: string, key: string, mustReach?: number): string[] {
  const bounds = numbersAt(card[field], key);
  if (!bounds) return [];
  const problems: string[] = [];
  for (let i = 1; i < bounds.length; i++) {
    if (bounds[i]! <= bounds[i - 1]!) {
      const order = `bands must be in ascending order of ${key} (${bounds[i]} follows ${bounds[i - 1]})`;
      problems.push(`/${field}/${i}/${key}: ${order}`);
    }
  }
  const last = bounds.at(-1);
  if (mustReach !== undefined && last !== undefined && last < mustReach) {
    problems.push(`/${field}/${bounds.length - 1}/${key}: the last band must reach ${mustReach}, it stops at ${last}`);
  }
  return problems;
}

function semanticProblems(card: unknown, defs: DefsSchema): string[] {
  if (!isRecord(card)) return [];
  const problems: string[] = [];
  const fees = card.baseFeeMinor;
  if (isRecord(fees)) {
    for (const medium of defs.$defs.medium.enum) {
      if (!(medium in fees)) problems.push(`/baseFeeMinor: no base fee for medium "${medium}"`);
    }
  }
  const rules = isRecord(card.referToDesk) ? card.referToDesk : {};
  // Audience and duration bands need only reach the point where the desk takes over;
  // extract bands must cover every word count a request may carry.
  const reach = (referAbove: unknown, requestMax: number): number =>
    typeof referAbove === 'number' ? Math.min(referAbove, requestMax) : requestMax;
  const usage = defs.$defs.usage.properties;
  problems.push(
    ...bandProblems(card, 'extractBands', 'maxWords', defs.$defs.article.properties.extractWords.maximum),
    ...bandProblems(card, 'audienceBands', 'maxAudience', reach(rules.audienceAbove, usage.audience.maximum)),
    ...bandProblems(card, 'durationBands', 'maxMonths', reach(rules.durationMonthsAbove, usage.durationMonths.maximum)),
    ...bandProblems(card, 'volumeDiscounts', 'minArticles'),
  );
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Checks parsed rate-card data (`source` names it in errors) and freezes it: every request shares one card. */
function parseRateCard(data: unknown, source: string): RateCard {
  const { validate, defs } = validator();
  const schemaOk = validate(data);
  const problems = [
    ...(schemaOk ? [] : (validate.errors ?? []).map(describeAjvError)),
    ...semanticProblems(data, defs),
  ];
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const list = problems.map((problem) => `  - ${problem}`).join('\n');
    throw new Error(`Rate card ${source} is not valid (${count}):\n${list}`);
  }
  // "$schema" only helps editors; it is not part of the card.
  const card = { ...(data as RateCard & { $schema?: string }) };
  delete card.$schema;
  return deepFreeze(card as RateCard);
}

/** Reads, validates and returns the rate card at `path`; throws an Error listing every problem. */
export function loadRateCard(path: string = DEFAULT_RATE_CARD_PATH): RateCard {
  let data: unknown;
  try {
    data = readJson(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Rate card ${path} cannot be read:\n  - ${reason}`, { cause: error });
  }
  return parseRateCard(data, path);
}
