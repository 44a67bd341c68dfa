/** DOC-001: GET /openapi.json is a valid OpenAPI 3.1 document covering every operation; GET /docs renders it safely. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { testServer } from '../support/server.js';
import { renderDocs } from '../../src/core/docs.js';
import { ajv } from '../../src/core/schema.js';

let srv: Awaited<ReturnType<typeof testServer>>;
let doc: any;
beforeAll(async () => {
  srv = await testServer();
  const res = await srv.api.request('GET', '/openapi.json', { token: null });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/json');
  doc = res.body;
});
afterAll(() => srv.close());

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
function operations(d: any): Array<{ path: string; method: string; op: any }> {
  const out: Array<{ path: string; method: string; op: any }> = [];
  for (const [path, item] of Object.entries<any>(d.paths)) for (const m of METHODS) if (item[m]) out.push({ path, method: m.toUpperCase(), op: item[m] });
  return out;
}

/** Every sub-schema of a JSON Schema, with its JSON pointer. */
function* subschemas(schema: any, at = ''): Generator<{ at: string; schema: any }> {
  if (!schema || typeof schema !== 'object') return;
  yield { at, schema };
  for (const [k, v] of Object.entries<any>(schema.properties ?? {})) yield* subschemas(v, `${at}/properties/${k}`);
  if (schema.items && typeof schema.items === 'object') yield* subschemas(schema.items, `${at}/items`);
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) for (const [i, s] of (schema[key] ?? []).entries()) yield* subschemas(s, `${at}/${key}/${i}`);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') yield* subschemas(schema.additionalProperties, `${at}/additionalProperties`);
}

describe('GET /openapi.json', () => {
  it('DOC-001: validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('DOC-001: covers every route of the pipeline except the meta routes, by operationId, method and path', () => {
    const documented = operations(doc).map(({ path, method, op }) => `${op.operationId} ${method} ${path}`).sort();
    const routes = srv.mock.pipeline.routes.filter((r) => r.service !== 'meta').map((r) => `${r.operationId} ${r.method} ${r.path}`).sort();
    expect(routes.length).toBeGreaterThan(10);
    expect(documented).toEqual(routes);
    const ids = operations(doc).map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('DOC-001: every operation has an operationId, a summary, a requirement, a tag and its security', () => {
    for (const { path, method, op } of operations(doc)) {
      const where = `${method} ${path}`;
      expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.summary, where).toEqual(expect.any(String));
      expect(op.summary.length, where).toBeGreaterThan(5);
      expect(op['x-requirement'], where).toMatch(/^[A-Z]+(-[A-Z]+)*-\d{3}$/);
      expect(['contactpoint', 'ecaf', 'control'], where).toContain(op.tags[0]);
      expect(op.security, where).toHaveLength(1);
      expect(Object.keys(op.responses).length, where).toBeGreaterThan(0);
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
        expect(op.parameters.some((p: any) => p.in === 'path' && p.name === name && p.required), `${where} declares {${name}}`).toBe(true);
    }
  });

  it('CP-FEED-002: every object in a ContactPoint request is closed (additionalProperties: false)', () => {
    let objects = 0;
    const open: string[] = [];
    for (const { path, method, op } of operations(doc)) {
      if (op.tags[0] !== 'contactpoint') continue;
      const bodies = Object.entries<any>(op.requestBody?.content ?? {}).map(([ct, c]) => [`${method} ${path} ${ct}`, c.schema] as const);
      const queries = (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => [`${method} ${path} ?${p.name}`, p.schema] as const);
      for (const [where, root] of [...bodies, ...queries]) {
        for (const { at, schema } of subschemas(root)) {
          const isObject = schema.type === 'object' || schema.properties !== undefined;
          if (!isObject) continue;
          objects++;
          // A tagged union is an object schema whose branches carry the properties; each branch must be closed.
          if (schema.oneOf && schema.properties === undefined) continue;
          if (schema.additionalProperties !== false) open.push(`${where} ${at || '/'}`);
        }
      }
    }
    expect(open).toEqual([]);
    expect(objects).toBeGreaterThan(20);
  });

  it('every example in the document is valid against the schema it illustrates', () => {
    const bad: string[] = [];
    let checked = 0;
    const seen = new Set<any>();
    const visit = (node: any, at: string) => {
      if (!node || typeof node !== 'object' || seen.has(node)) return;
      seen.add(node);
      if (Array.isArray(node.examples) && (node.type || node.format || node.pattern)) {
        const validate = ajv().compile({ ...node, $id: undefined });
        for (const ex of node.examples) {
          checked++;
          if (!validate(ex)) bad.push(`${at}: ${JSON.stringify(ex)} ${ajv().errorsText(validate.errors)}`);
        }
      }
      for (const [k, v] of Object.entries(node)) if (k !== 'examples') visit(v, `${at}/${k}`);
    };
    visit(doc.paths, '#/paths');
    expect(checked).toBeGreaterThan(5);
    expect(bad).toEqual([]);
  });
});

describe('GET /docs', () => {
  it('DOC-001: is HTML that names every operation and every problem code', async () => {
    const res = await srv.api.request('GET', '/docs', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toMatch(/^<!doctype html>/i);
    for (const { op } of operations(doc)) expect(res.text, op.operationId).toContain(`id="${op.operationId}"`);
    expect(res.text).toContain('id="ics-err-validation"');
    expect(res.text).not.toMatch(/<script/i);
    // Text from the route table reaches the page escaped: apostrophes in summaries, angle brackets in descriptions.
    expect(res.text).toContain('Read a child&#39;s record');
    expect(res.text).toContain('Bearer &lt;token&gt;');
  });

  it('escapes everything it renders from the document', () => {
    const hostile = '<script>alert("x")</script>&\'';
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';
    const html = renderDocs({
      openapi: '3.1.0',
      info: { title: hostile, version: hostile, description: hostile },
      paths: {
        [`/x/${hostile}`]: {
          get: {
            operationId: hostile,
            summary: hostile,
            description: hostile,
            tags: [hostile],
            'x-requirement': hostile,
            parameters: [{ name: hostile }],
            requestBody: { content: { [hostile]: { schema: { description: hostile } } } },
            responses: { [hostile]: { description: hostile } },
          },
        },
      },
    }, { ICS_ERR_X: { code: hostile, status: 400, title: hostile } });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('alert("x")');
    expect(html.split(escaped).length - 1).toBeGreaterThanOrEqual(10);
  });
});
