// One Ajv for the whole process: every schema in schemas/ is added by its $id and compiled once at start,
// never per request. Ajv's errors become ValidationIssues keyed by field, so the form and the API agree.
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
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.schema.json'))) {
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
      const validate = compiled.get(schemaName);
      if (!validate) throw new Error(`No schema named ${schemaName}`);
      const { value, issues } = normalise(input);
      if (validate(value) && !issues.length) return { ok: true, value: value as T };
      // Refused characters are reported first; schema problems elsewhere too, one per field.
      const flagged = new Set(issues.map((issue) => issue.path));
      const schemaIssues = toIssues(validate.errors ?? []).filter((issue) => !flagged.has(issue.path));
      return { ok: false, issues: [...issues, ...schemaIssues] };
    },
    schema(schemaName: string) {
      const schema = schemas.get(schemaName);
      if (!schema) throw new Error(`No schema named ${schemaName}`);
      return schema;
    },
  };
}

/** Ajv errors → one issue per field, in the order the schema lists them. */
function toIssues(errors: ErrorObject[]): ValidationIssue[] {
  const seen = new Map<string, ValidationIssue>();
  for (const error of errors) {
    const issue = toIssue(error);
    if (issue && !seen.has(issue.path)) seen.set(issue.path, issue);
  }
  return [...seen.values()];
}

function toIssue(error: ErrorObject): ValidationIssue | null {
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath;
  switch (error.keyword) {
    case 'if':
      return null; // the "then"/"else" error under it says what is wrong
    case 'required':
      return { path: `${at}/${String(params.missingProperty)}`, key: 'required', params: {} };
    case 'additionalProperties':
      return { path: `${at}/${String(params.additionalProperty)}`, key: 'unknownField', params: {} };
    case 'not':
      // The two "must not be there" rules in defs.schema.json.
      if (/^\/articles\/\d+$/.test(at)) {
        return { path: `${at}/extractWords`, key: 'extractWordsOnlyForExtract', params: {} };
      }
      return { path: `${at}/countries`, key: 'countriesNotForWorldwide', params: {} };
    case 'type':
      return { path: at, key: `type.${String(params.type).split(',')[0]}`, params: {} };
    case 'const':
      return { path: at, key: at === '/consent' ? 'consent' : 'const', params: {} };
    case 'minLength': {
      const limit = Number(params.limit);
      return { path: at, key: limit <= 1 ? 'required' : 'minLength', params: { limit } };
    }
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minimum':
    case 'maximum':
      return { path: at, key: error.keyword, params: { limit: Number(params.limit) } };
    case 'format':
      return { path: at, key: `format.${String(params.format)}`, params: {} };
    case 'pattern':
    case 'enum':
    case 'uniqueItems':
      return { path: at, key: error.keyword, params: {} };
    default:
      return { path: at, key: 'invalid', params: {} };
  }
}
