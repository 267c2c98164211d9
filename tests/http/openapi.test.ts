// The OpenAPI document: valid OpenAPI 3.1 by a maintained validator, built from the schemas ajv validates with, and
// true to the service: every documented operation is called for real here and each answer is checked against the
// schema and media type the document gives for its status. An operation added without a check here fails the test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { validRequest } from '../helpers/fixtures.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: { schemas: Record<string, { examples?: unknown[] }> };
};

let t: TestApp;
let doc: Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const DOC_ID = 'https://reprise.test/openapi.json';

before(async () => {
  t = await buildTestApp();
  const res = await request(t.server)
    .get('/api/v1/openapi.json')
    .expect(200)
    .expect('content-type', /application\/json/);
  doc = res.body as Doc;
  ajv.addSchema({ $id: DOC_ID, components: doc.components });
});
after(() => t?.close());

test('the document is valid OpenAPI 3.1', async () => {
  const result = await new Validator().validate(structuredClone(doc) as Parameters<Validator['validate']>[0]);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  assert.equal(doc.openapi, '3.1.1');
  for (const name of ['LicensingRequest', 'QuoteRequest', 'Quote', 'RequestCreated', 'Problem', 'Health']) {
    assert.ok(doc.components.schemas[name], `${name} is described`);
  }
});

test('the schemas are the ones ajv validates with, and every example in them is valid', () => {
  const served = t.container.services.apiDescription as Doc;
  assert.deepEqual(doc, JSON.parse(JSON.stringify(served)));
  const usage = JSON.stringify(doc.components.schemas.Definitions).includes('"durationMonths"');
  assert.ok(usage, 'the shared definitions come from schemas/defs.schema.json');
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    const validate = ajv.getSchema(`${DOC_ID}#/components/schemas/${name}`)!;
    for (const example of schema.examples ?? [])
      assert.ok(validate(example), `${name}: ${ajv.errorsText(validate.errors)}`);
  }
});

/** Checks a real answer against what the document says for its operation and status. */
function conforms(path: string, method: string, res: request.Response) {
  const documented = doc.paths[path]?.[method]?.responses[String(res.status)];
  assert.ok(documented, `${method.toUpperCase()} ${path} answered ${res.status}, which is not documented`);
  if (!documented.content) return;
  const [mediaType, { schema }] = Object.entries(documented.content)[0];
  assert.equal(String(res.headers['content-type']).split(';')[0], mediaType, `${method} ${path} ${res.status}`);
  const validate = ajv.compile({
    $ref: `${DOC_ID}${(schema as { $ref?: string }).$ref ?? ''}`,
    ...('$ref' in schema ? {} : schema),
  });
  assert.ok(validate(res.body), `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}`);
}

test('every documented operation answers as documented, errors included', async () => {
  const checked = new Set<string>();
  const call = async (path: string, method: 'get' | 'post', send: (r: request.Test) => request.Test) => {
    const res = await send(request(t.server)[method](path.replace('{reference}', 'x')));
    conforms(path, method, res);
    checked.add(`${method} ${path}`);
    return res;
  };
  const created = await call('/api/v1/requests', 'post', (r) => r.set('Idempotency-Key', 'doc-1').send(validRequest()));
  assert.equal(created.status, 201);
  assert.match(String(created.headers.location), /^\/licensing\/requests\//);
  const reused = await call('/api/v1/requests', 'post', (r) =>
    r.set('Idempotency-Key', 'doc-1').send(validRequest({ consent: true, message: 'another body' })),
  );
  assert.equal(reused.status, 422);
  const invalid = await call('/api/v1/requests', 'post', (r) =>
    r.send({ ...validRequest(), usage: { audience: '5' } }),
  );
  assert.equal(invalid.status, 400);
  assert.ok((invalid.body as { errors: unknown[] }).errors.length > 0);
  const notJson = await call('/api/v1/requests', 'post', (r) => r.type('text').send('hello'));
  assert.equal(notJson.status, 415);

  const { requester: _r, consent: _c, ...quoteBody } = validRequest();
  const quote = await call('/api/v1/quote', 'post', (r) => r.send(quoteBody));
  assert.equal(quote.status, 200);
  const badQuote = await call('/api/v1/quote', 'post', (r) => r.send({ articles: [] }));
  assert.equal(badQuote.status, 400);

  const { token } = t.container.services.readApi.create({ id: null, label: 'test' }, 'Documentation check');
  t.clock.advance(5_000); // the read API leaves the last 2 s of changes for the next page
  const bearer = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  const page = await call('/api/v1/requests', 'get', (r) => bearer(r.query({ limit: '5' })));
  assert.equal(page.status, 200);
  assert.ok((page.body as { items: unknown[] }).items.length > 0);
  const badLimit = await call('/api/v1/requests', 'get', (r) => bearer(r.query({ limit: '0' })));
  assert.equal(badLimit.status, 400);
  const anonymous = await call('/api/v1/requests', 'get', (r) => r);
  assert.equal(anonymous.status, 401);
  const reference = (created.body as { reference: string }).reference;
  const one = await call('/api/v1/requests/{reference}', 'get', () =>
    bearer(request(t.server).get(`/api/v1/requests/${reference}`)),
  );
  assert.equal(one.status, 200);
  const missing = await call('/api/v1/requests/{reference}', 'get', () =>
    bearer(request(t.server).get('/api/v1/requests/REP-1999-000001')),
  );
  assert.equal(missing.status, 404);
  const noToken = await call('/api/v1/requests/{reference}', 'get', () =>
    request(t.server).get(`/api/v1/requests/${reference}`),
  );
  assert.equal(noToken.status, 401);

  await call('/api/v1/openapi.json', 'get', (r) => r);
  const health = await call('/healthz', 'get', (r) => r);
  assert.equal(health.status, 200);

  const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => `${m} ${path}`),
  );
  assert.deepEqual([...checked].sort(), documented.sort(), 'every documented operation is called here');
});

test('the reference page lists every operation and schema, with no script', async () => {
  const res = await request(t.server)
    .get('/api/docs')
    .expect(200)
    .expect('content-type', /text\/html/);
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) {
      assert.ok(res.text.includes(`${method.toUpperCase()} ${path.replace(/[{}]/g, (c) => c)}`), `${method} ${path}`);
    }
  }
  assert.match(res.text, /id="schema-usage"/);
  assert.match(res.text, /href="#schema-Quote"/);
  assert.doesNotMatch(res.text, /<script/);
});
