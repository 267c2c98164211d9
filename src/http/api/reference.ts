// The API's OpenAPI document (GET /api/v1/openapi.json) and its reference page (GET /api/docs), rendered on the
// server from that same document: no script, no CDN, nothing fetched from elsewhere, readable by keyboard and screen
// reader like every other page.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import { renderPage } from '../core/render.js';

type Schema = Record<string, unknown>;
const COMPONENT_PREFIX = '#/components/schemas/';
const MANY_VALUES = 24;

/** The page anchor of a component, or of one of the shared definitions. */
const anchorOf = (ref: string) => `schema-${ref.slice(COMPONENT_PREFIX.length).replace(/^Definitions\/\$defs\//, '')}`;
const nameOf = (ref: string) => ref.split('/').pop()!;

interface TypeText {
  text: string;
  link?: { href: string; name: string };
}

/** A schema's type in a few words, and where to read more when it is described on its own. */
function typeOf(schema: Schema): TypeText {
  if (typeof schema.$ref === 'string')
    return { text: '', link: { href: `#${anchorOf(schema.$ref)}`, name: nameOf(schema.$ref) } };
  if (schema.type === 'array' && schema.items && typeof schema.items === 'object') {
    const item = typeOf(schema.items as Schema);
    return { text: `array of ${item.text || ''}`.trim(), link: item.link };
  }
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : String(schema.type ?? 'any');
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : '';
  if ('const' in schema) return { text: `${type}: ${JSON.stringify(schema.const)}` };
  return { text: `${type}${format}` };
}

/** Limits and allowed values, as a reader needs them. */
function limitsOf(schema: Schema): string {
  const parts: string[] = [];
  if (Array.isArray(schema.enum)) {
    parts.push(
      schema.enum.length > MANY_VALUES
        ? `one of ${schema.enum.length} codes`
        : `one of ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}`,
    );
  }
  for (const [key, words] of [
    ['minimum', 'at least'],
    ['maximum', 'at most'],
    ['minLength', 'characters at least'],
    ['maxLength', 'characters at most'],
    ['minItems', 'items at least'],
    ['maxItems', 'items at most'],
    ['pattern', 'matching'],
  ] as const) {
    if (schema[key] !== undefined) parts.push(`${words} ${String(schema[key])}`);
  }
  return parts.join('; ');
}

interface SchemaSection {
  anchor: string;
  name: string;
  description: string;
  type: TypeText;
  limits: string;
  properties: { name: string; required: boolean; type: TypeText; limits: string; description: string }[];
}

function section(anchor: string, name: string, schema: Schema): SchemaSection {
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([key, value]) => ({
    name: key,
    required: required.has(key),
    type: typeOf(value),
    limits: limitsOf(value),
    description: typeof value.description === 'string' ? value.description : '',
  }));
  return {
    anchor,
    name,
    description: typeof schema.description === 'string' ? schema.description : '',
    type: typeOf(schema),
    limits: limitsOf(schema),
    properties,
  };
}

/** Every component, and each shared definition, as a section of the page. */
function schemaSections(components: Record<string, Schema>): SchemaSection[] {
  const sections: SchemaSection[] = [];
  for (const [name, schema] of Object.entries(components)) {
    if (name === 'Definitions') {
      for (const [defName, def] of Object.entries((schema.$defs ?? {}) as Record<string, Schema>)) {
        sections.push(section(`schema-${defName}`, defName, def));
      }
    } else {
      sections.push(section(`schema-${name}`, name, schema));
    }
  }
  return sections;
}

type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { description?: string; content: Record<string, { schema: Schema; example?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};

function operations(paths: Record<string, Record<string, Operation>>) {
  return Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const body = op.requestBody && Object.entries(op.requestBody.content)[0];
      return {
        id: `op-${op.operationId}`,
        method: method.toUpperCase(),
        path,
        summary: op.summary,
        description: op.description ?? '',
        parameters: op.parameters ?? [],
        body: body && {
          mediaType: body[0],
          description: op.requestBody!.description ?? '',
          type: typeOf(body[1].schema),
          example: body[1].example === undefined ? null : JSON.stringify(body[1].example, null, 2),
        },
        responses: Object.entries(op.responses).map(([status, response]) => {
          const content = response.content && Object.entries(response.content)[0];
          return {
            status,
            description: response.description,
            mediaType: content?.[0] ?? null,
            type: content ? typeOf(content[1].schema) : null,
          };
        }),
      };
    }),
  );
}

export function apiReference(services: Services) {
  const document = services.apiDescription as {
    info: { title: string; version: string; summary: string; description: string };
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };
  const json = JSON.stringify(document);
  const page = {
    info: document.info,
    operations: operations(document.paths),
    schemas: schemaSections(document.components.schemas),
  };
  return {
    document(_req: Request, res: Response) {
      res.set('Cache-Control', 'public, max-age=300').type('application/json').send(json);
    },
    page(_req: Request, res: Response) {
      res.locals.locale = 'en';
      res.set('Cache-Control', 'public, max-age=300');
      renderPage(res, 200, 'api/reference', { title: 'API reference', ...page });
    },
  };
}
