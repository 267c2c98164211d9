// The OpenAPI 3.1 description of the JSON API, built at start from the very JSON Schemas that ajv validates with
// (schemas/), so the document cannot drift from what the service accepts and answers. Each schema file becomes a
// component; its references are pointed at the components.
import type { Validators } from '../validation/ajv.js';
import { exportColumns, type ExportColumn } from '../export/columns.js';
import { MAX_PAGE } from './read-api.js';
import { EVENT_TYPES } from '../webhooks/payload.js';

const SCHEMA_BASE = 'https://reprise.example/schemas/';
/** Schema file → component name. */
const COMPONENTS: Record<string, string> = {
  'licensing-request': 'LicensingRequest',
  'quote-request': 'QuoteRequest',
  quote: 'Quote',
  'request-created': 'RequestCreated',
  problem: 'Problem',
  health: 'Health',
  defs: 'Definitions',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A schema as a component: no $id or $schema, every $ref pointing inside the document. */
function asComponent(schema: Json, file: string): Json {
  if (Array.isArray(schema)) return schema.map((item) => asComponent(item, file));
  if (!schema || typeof schema !== 'object') return schema;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id' || key === '$schema') continue;
    if (key === '$ref' && typeof value === 'string') {
      const [target, pointer = ''] = value.startsWith('#') ? [file, value.slice(1)] : value.split('#');
      const name = target.startsWith(SCHEMA_BASE)
        ? target.slice(SCHEMA_BASE.length).replace(/\.schema\.json$/, '')
        : target;
      if (!COMPONENTS[name]) throw new Error(`${file}: a $ref to ${value}, which is not described`);
      out.$ref = `#/components/schemas/${COMPONENTS[name]}${pointer}`;
    } else {
      out[key] = asComponent(value, file);
    }
  }
  return out;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const PROBLEMS = {
  '400': problem('Invalid JSON, or a field refused by the schema (`validation_failed`, with `errors` per field)'),
  '413': problem('The body is over 64 kB (`payload_too_large`)'),
  '415': problem('Not `application/json` in UTF-8 (`unsupported_media_type`, `unsupported_encoding`)'),
  '429': problem('Too many requests from this address (`rate_limited`); see `Retry-After`'),
  '503': problem('The database is full or busy (`storage_full`, `busy`); nothing was stored; see `Retry-After`'),
};

export type ApiDescription = Record<string, unknown>;

const KIND_SCHEMAS: Record<ExportColumn['kind'], Json> = {
  text: { type: ['string', 'null'] },
  code: { type: ['string', 'null'] },
  int: { type: ['integer', 'null'] },
  bool: { type: ['boolean', 'null'] },
  list: { type: 'array', items: { type: 'string' } },
  articles: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        url: { type: 'string' },
        title: { type: 'string' },
        portion: { type: 'string', enum: ['full', 'extract'] },
        extractWords: { type: ['integer', 'null'] },
      },
    },
  },
};

/** A request as the read API and the JSON export give it, from the export's own columns (dots nest). */
function recordSchema(columns: ExportColumn[]): Json {
  const properties: Record<string, { [key: string]: Json }> = {};
  for (const column of columns) {
    const [head, ...rest] = column.name.split('.');
    const schema = { ...(KIND_SCHEMAS[column.kind] as object), description: column.description } as {
      [key: string]: Json;
    };
    if (!rest.length) properties[head] = schema;
    else {
      properties[head] ??= { type: 'object', properties: {} };
      (properties[head].properties as Record<string, Json>)[rest.join('.')] = schema;
    }
  }
  return {
    title: 'Request record',
    description:
      'A request with the fields of the JSON export (docs/exports.md); erased personal data reads "[erased]".',
    type: 'object',
    required: ['reference', 'status'],
    properties,
  };
}

export function apiDescription(deps: {
  validators: Validators;
  publicBaseUrl: string;
  version: string;
  /** The columns of the `requests` table, which decide the record's fields. */
  requestColumns: ReadonlySet<string>;
}): ApiDescription {
  const schemas: Record<string, Json> = {};
  for (const [file, name] of Object.entries(COMPONENTS)) {
    schemas[name] = asComponent(deps.validators.schema(file) as Json, file);
  }
  schemas.RequestRecord = recordSchema(exportColumns(deps.requestColumns, 'json'));
  schemas.RequestPage = {
    title: 'A page of requests',
    type: 'object',
    additionalProperties: false,
    required: ['items', 'next'],
    properties: {
      items: { type: 'array', items: ref('RequestRecord') },
      next: { type: ['string', 'null'], description: 'The cursor of the next page; null on the last page' },
    },
  };
  schemas.WebhookEvent = {
    title: 'Webhook event',
    description: 'What a standard-format webhook POSTs, signed (webhook-id, webhook-timestamp, webhook-signature)',
    type: 'object',
    required: ['type', 'timestamp', 'data'],
    properties: {
      type: { type: 'string', enum: [...EVENT_TYPES, 'webhook.test'] },
      timestamp: { type: 'string', format: 'date-time' },
      data: {
        type: 'object',
        properties: {
          reference: { type: 'string' },
          status: { type: 'string' },
          previousStatus: { type: ['string', 'null'], description: 'request.status_changed only' },
          licenceNumber: { type: ['string', 'null'] },
          links: { type: 'object', properties: { desk: { type: 'string' } } },
        },
      },
    },
  };
  const tokenProblems = {
    '401': problem('No token, or not a valid one (`unauthorised`); `WWW-Authenticate: Bearer`'),
    '429': PROBLEMS['429'],
  };
  const example = (file: string) => (deps.validators.schema(file).examples as Json[] | undefined)?.[0];
  const jsonBody = (file: string, description: string) => ({
    required: true,
    description,
    content: { 'application/json': { schema: ref(COMPONENTS[file]), example: example(file) } },
  });

  return {
    openapi: '3.1.1',
    info: {
      title: 'Reprise API',
      version: deps.version,
      summary: 'Licensing requests and instant fee quotes for republishing news articles.',
      description:
        'The same schema and the same rules as the licensing form. Errors are `application/problem+json` (RFC 9457) ' +
        'with a stable `code` and, for invalid fields, a JSON Pointer `path` per field. Labels and messages follow ' +
        'the body’s `locale` (`en`, `fr`, `ar`); codes do not. Money is in integer minor units.',
    },
    servers: [{ url: deps.publicBaseUrl }],
    paths: {
      '/api/v1/requests': {
        get: {
          operationId: 'listRequests',
          summary: 'Read requests, page by page',
          description:
            'With a read API token (admins make them at /admin/api-tokens). Requests in the order they last ' +
            'changed, oldest first, with the fields of the JSON export; follow `next` until it is null. Keep the ' +
            'last `next` and ask with it later for what changed since. Each read is recorded in the audit log.',
          security: [{ readToken: [] }],
          parameters: [
            {
              name: 'status',
              in: 'query',
              description: 'Only these statuses, separated by commas',
              schema: { type: 'string' },
              example: 'licensed,quote_accepted',
            },
            {
              name: 'updatedSince',
              in: 'query',
              description: 'Only requests changed at or after this time (ignored with a cursor)',
              schema: { type: 'string', format: 'date-time' },
            },
            { name: 'cursor', in: 'query', description: 'The `next` of the page before', schema: { type: 'string' } },
            {
              name: 'limit',
              in: 'query',
              description: `Requests per page, 1–${MAX_PAGE}`,
              schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 },
            },
          ],
          responses: {
            '200': { description: 'A page', content: { 'application/json': { schema: ref('RequestPage') } } },
            '400': problem('A parameter is not right (`bad_status`, `bad_limit`, `bad_updated_since`, `bad_cursor`)'),
            ...tokenProblems,
          },
        },
        post: {
          operationId: 'createRequest',
          summary: 'Send a licensing request',
          description:
            'Stores the request, quotes it from the rate card and emails the desk and the requester. The same ' +
            '`Idempotency-Key` within 24 hours answers the first request again instead of making a second.',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: '1–255 visible ASCII characters, scoped to the client’s address',
              schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$' },
            },
          ],
          requestBody: jsonBody('licensing-request', 'The request, as the form sends it'),
          responses: {
            '201': {
              description: 'Stored; `Location` is the requester’s page for it',
              headers: {
                Location: { description: 'The requester’s page', schema: { type: 'string' } },
                'Idempotent-Replayed': {
                  description: '`true` when this answers an earlier request with the same key',
                  schema: { type: 'string', enum: ['true'] },
                },
              },
              content: { 'application/json': { schema: ref('RequestCreated') } },
            },
            ...PROBLEMS,
            '422': problem('The `Idempotency-Key` was already used with a different body (`idempotency_key_reused`)'),
          },
        },
      },
      '/api/v1/quote': {
        post: {
          operationId: 'quote',
          summary: 'Price a request without sending it',
          description: 'The fee the rate card gives; nothing is stored. Contact details and consent are not needed.',
          requestBody: jsonBody('quote-request', 'The articles and their use'),
          responses: {
            '200': { description: 'The quote', content: { 'application/json': { schema: ref('Quote') } } },
            ...PROBLEMS,
          },
        },
      },
      '/api/v1/requests/{reference}': {
        get: {
          operationId: 'getRequest',
          summary: 'Read one request',
          description: 'With a read API token. The read is recorded in the audit log.',
          security: [{ readToken: [] }],
          parameters: [
            { name: 'reference', in: 'path', required: true, schema: { type: 'string' }, example: 'REP-2026-000001' },
          ],
          responses: {
            '200': { description: 'The request', content: { 'application/json': { schema: ref('RequestRecord') } } },
            '404': problem('No request with this reference (`not_found`)'),
            ...tokenProblems,
          },
        },
      },
      '/api/v1/openapi.json': {
        get: {
          operationId: 'openApi',
          summary: 'This document',
          responses: {
            '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'Whether the service can do its work',
          description: 'For load balancers and monitors.',
          responses: {
            '200': { description: 'Healthy', content: { 'application/json': { schema: ref('Health') } } },
            '503': { description: 'Not healthy, and why', content: { 'application/json': { schema: ref('Health') } } },
          },
        },
      },
    },
    webhooks: {
      requestEvent: {
        post: {
          operationId: 'requestEvent',
          summary: 'An event of a request, sent to each endpoint that wants its type (docs/webhooks.md)',
          requestBody: { required: true, content: { 'application/json': { schema: ref('WebhookEvent') } } },
          responses: {
            '200': { description: 'Any 2xx: delivered' },
            '410': { description: 'Gone: the endpoint is disabled' },
          },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        readToken: { type: 'http', scheme: 'bearer', description: 'A read-only token from /admin/api-tokens (rep_…)' },
      },
    },
  };
}
