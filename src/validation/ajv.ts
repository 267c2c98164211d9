// One Ajv for the whole process: every schema in schemas/ is added by its $id and
// compiled once at start, never per request. Ajv's raw errors are turned into
// ValidationIssues here, keyed by field, so the form and the API say the same thing.
import fs from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { projectPath } from '../paths.js';
import { normalise } from './normalise.js';
import type { ValidationIssue } from './issues.js';

// ajv-formats ships CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const SCHEMA_BASE = 'https://reprise.example/schemas/';

type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export interface Validators {
  validate<T>(schemaName: string, input: unknown): ValidationResult<T>;
  schema(schemaName: string): Record<string, unknown>;
}

export function createValidators(dir = projectPath('schemas')): Validators {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv, { mode: 'full', formats: ['date', 'email', 'uri'] });
  const schemas = new Map<string, Record<string, unknown>>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.schema.json'))) {
    const schema = JSON.parse(fs.readFileSync(`${dir}/${file}`, 'utf8')) as Record<string, unknown>;
    ajv.addSchema(schema);
    schemas.set(file.replace(/\.schema\.json$/, ''), schema);
  }
  const compiled = new Map<string, ValidateFunction>();
  for (const name of schemas.keys()) {
    compiled.set(name, ajv.getSchema(`${SCHEMA_BASE}${name}.schema.json`)!);
  }

  return {
    validate<T>(schemaName: string, input: unknown): ValidationResult<T> {
      const fn = compiled.get(schemaName);
      if (!fn) throw new Error(`No schema named ${schemaName}`);
      const { value, issues } = normalise(input);
      if (fn(value) && !issues.length) return { ok: true, value: value as T };
      // Refused characters are reported first; schema problems elsewhere too, one per field.
      const flagged = new Set(issues.map((i) => i.path));
      return { ok: false, issues: [...issues, ...toIssues(fn.errors ?? []).filter((i) => !flagged.has(i.path))] };
    },
    schema(schemaName: string) {
      const s = schemas.get(schemaName);
      if (!s) throw new Error(`No schema named ${schemaName}`);
      return s;
    },
  };
}

/** Ajv errors → one issue per field, in the order the schema lists them. */
function toIssues(errors: ErrorObject[]): ValidationIssue[] {
  const seen = new Map<string, ValidationIssue>();
  for (const e of errors) {
    const issue = toIssue(e);
    if (issue && !seen.has(issue.path)) seen.set(issue.path, issue);
  }
  return [...seen.values()];
}

function toIssue(e: ErrorObject): ValidationIssue | null {
  const p = e.params as Record<string, unknown>;
  const at = e.instancePath;
  switch (e.keyword) {
    case 'if':
      return null; // the "then"/"else" error under it says what is wrong
    case 'required':
      return { path: `${at}/${String(p.missingProperty)}`, key: 'required', params: {} };
    case 'additionalProperties':
      return { path: `${at}/${String(p.additionalProperty)}`, key: 'unknownField', params: {} };
    case 'not':
      // The two "must not be there" rules in defs.schema.json.
      if (/^\/articles\/\d+$/.test(at)) return { path: `${at}/extractWords`, key: 'extractWordsOnlyForExtract', params: {} };
      return { path: `${at}/countries`, key: 'countriesNotForWorldwide', params: {} };
    case 'type':
      return { path: at, key: `type.${String(p.type).split(',')[0]}`, params: {} };
    case 'const':
      return { path: at, key: at === '/consent' ? 'consent' : 'const', params: {} };
    case 'minLength':
      return { path: at, key: Number(p.limit) <= 1 ? 'required' : 'minLength', params: { limit: Number(p.limit) } };
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minimum':
    case 'maximum':
      return { path: at, key: e.keyword, params: { limit: Number(p.limit) } };
    case 'format':
      return { path: at, key: `format.${String(p.format)}`, params: {} };
    case 'pattern':
    case 'enum':
    case 'uniqueItems':
      return { path: at, key: e.keyword, params: {} };
    default:
      return { path: at, key: 'invalid', params: {} };
  }
}
