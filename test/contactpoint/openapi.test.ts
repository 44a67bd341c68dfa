/** DOC-001: GET /openapi.json is a valid OpenAPI 3.1 document covering every operation; GET /docs renders it safely. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { testServer } from '../support/server.js';
import { renderDocs } from '../../src/platform/docs.js';
import { ERRORS } from '../../mocks/rules.js';
import { ajv } from '../../src/platform/schema.js';
import { readDocExamples, resolveSchemaRefs } from '../../src/platform/openapi.js';

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
  for (const [path, item] of Object.entries<any>(d.paths))
    for (const m of METHODS) if (item[m]) out.push({ path, method: m.toUpperCase(), op: item[m] });
  return out;
}

/** The schema with every `#/components/schemas/...` reference replaced by what it names. */
const deref = (schema: any): any => resolveSchemaRefs(schema, doc.components.schemas);

/** Every sub-schema of a JSON Schema (references followed), with its JSON pointer. */
function* subschemas(schema: any, at = ''): Generator<{ at: string; schema: any }> {
  if (!schema || typeof schema !== 'object') return;
  if (typeof schema.$ref === 'string') return yield* subschemas(deref(schema), at);
  yield { at, schema };
  for (const [k, v] of Object.entries<any>(schema.properties ?? {})) yield* subschemas(v, `${at}/properties/${k}`);
  if (schema.items && typeof schema.items === 'object') yield* subschemas(schema.items, `${at}/items`);
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const)
    for (const [i, s] of (schema[key] ?? []).entries()) yield* subschemas(s, `${at}/${key}/${i}`);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
    yield* subschemas(schema.additionalProperties, `${at}/additionalProperties`);
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
    const documented = operations(doc)
      .map(({ path, method, op }) => `${op.operationId} ${method} ${path}`)
      .sort();
    const routes = srv.mock.pipeline.routes
      .filter((r) => r.service !== 'meta')
      .map((r) => `${r.operationId} ${r.method} ${r.path}`)
      .sort();
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
        expect(
          op.parameters.some((p: any) => p.in === 'path' && p.name === name && p.required),
          `${where} declares {${name}}`,
        ).toBe(true);
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
    visit(doc.components.schemas, '#/components/schemas');
    expect(checked).toBeGreaterThan(5);
    expect(bad).toEqual([]);
  });
});

describe("GET /openapi.json: shared schemas, servers and the interface documents' examples", () => {
  const refs = (node: any): string[] =>
    node && typeof node === 'object' ? [...(typeof node.$ref === 'string' ? [node.$ref] : []), ...Object.values(node).flatMap(refs)] : [];

  it('DOC-001: keeps shared schemas once under components.schemas and refers to them with $ref', () => {
    const schemas = doc.components.schemas;
    for (const name of ['Problem', 'InvolvementMessage', 'CafIndicatorMessage', 'Receipt', 'ChildRecord', 'OpenEpisodeRequest', 'NhsNumber'])
      expect(schemas, name).toHaveProperty(name);
    const submit = operations(doc).find(({ op }) => op.operationId === 'submitInvolvement')!.op;
    expect(submit.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/InvolvementMessage' });
    for (const { path, method, op } of operations(doc))
      for (const [status, res] of Object.entries<any>(op.responses))
        if (Number(status) >= 400)
          expect(res.content['application/problem+json'].schema, `${method} ${path} ${status}`).toEqual({ $ref: '#/components/schemas/Problem' });
    // Every reference resolves, and the document is a fraction of its inline size (915 KB).
    const all = refs(doc).filter((r) => r.startsWith('#/components/schemas/'));
    expect(all.length).toBeGreaterThan(200);
    for (const r of new Set(all)) expect(schemas, r).toHaveProperty(r.slice('#/components/schemas/'.length));
    expect(JSON.stringify(doc).length).toBeLessThan(400_000);
  });

  it("DOC-001: names the servers: the one it was fetched from, and serve's default", () => {
    expect(doc.servers.map((s: any) => s.url)).toEqual(['/', 'http://127.0.0.1:4010']);
  });

  it('DOC-001: carries every marked example of docs/interface/*.md, each attached to an operation and valid against its schema there', () => {
    const examples = readDocExamples();
    expect(examples.length).toBeGreaterThanOrEqual(20);
    expect(Object.values<any>(doc.components.examples).map((e) => e.value)).toEqual(examples.map((e) => e.value));
    const attached = new Map<string, string[]>();
    for (const { path, method, op } of operations(doc)) {
      const media = [
        ...Object.values<any>(op.requestBody?.content ?? {}).map((m) => [m, 'request'] as const),
        ...Object.entries<any>(op.responses).flatMap(([st, r]) => Object.values<any>(r.content ?? {}).map((m) => [m, st] as const)),
      ];
      for (const [m, where] of media)
        for (const [key, ex] of Object.entries<any>(m.examples ?? {})) {
          const name = /^#\/components\/examples\/(.+)$/.exec(ex.$ref)![1]!;
          const validate = ajv().compile(deref(m.schema));
          const value = doc.components.examples[name].value;
          expect(validate(value), `${name} at ${method} ${path} ${where}: ${ajv().errorsText(validate.errors)}`).toBe(true);
          expect(key).toBe(name);
          attached.set(name, [...(attached.get(name) ?? []), `${op.operationId} ${where}`]);
        }
    }
    expect(Object.keys(doc.components.examples).filter((k) => !attached.has(k))).toEqual([]);
    // Spot checks: the first feed example on submitInvolvement's request; the consent refusal on a 403, and only on its requirement's operations.
    expect(attached.get('contactpoint-InvolvementMessage-1')).toContain('submitInvolvement request');
    const consent = [...attached.entries()].find(([k]) => k.startsWith('ecaf-Problem-'))!;
    expect(consent[1].length).toBeGreaterThan(0);
    expect(consent[1].every((w) => w.endsWith(' 403'))).toBe(true);
  });
});

describe('GET /docs', () => {
  it("DOC-001: is Swagger UI from the server's own files, under a CSP of its own origin, with every problem code", async () => {
    const res = await srv.api.request('GET', '/docs', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("default-src 'none'");
    // Scripts and styles by path on this server only: no CDN, no inline script.
    const srcs = [...res.text.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(srcs.sort()).toEqual(['/docs/assets/docs.js', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css']);
    expect(res.text).not.toMatch(/<script>(?!<\/script>)/);
    // A problem's type (/docs#ics-err-...) lands on its row here.
    for (const code of Object.keys(ERRORS)) expect(res.text, code).toContain(`id="${code.toLowerCase().replace(/_/g, '-')}"`);
    for (const [asset, type] of [
      ['swagger-ui-bundle.js', 'text/javascript'],
      ['swagger-ui.css', 'text/css'],
      ['docs.js', 'text/javascript'],
    ]) {
      const a = await srv.api.request('GET', `/docs/assets/${asset}`, { token: null });
      expect(a.status, asset).toBe(200);
      expect(a.headers.get('content-type'), asset).toContain(type);
      expect(a.text.length, asset).toBeGreaterThan(500);
    }
    // The initialiser never asks the public validator (or anywhere else) about the document.
    expect((await srv.api.request('GET', '/docs/assets/docs.js', { token: null })).text).toContain('validatorUrl: null');
    expect((await srv.api.request('GET', '/docs/assets/other.js', { token: null })).status).toBe(404);
  });

  it('DOC-001: /docs/reference is plain HTML that names every operation and every problem code', async () => {
    const res = await srv.api.request('GET', '/docs/reference', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toMatch(/^<!doctype html>/i);
    for (const { op } of operations(doc)) expect(res.text, op.operationId).toContain(`id="${op.operationId}"`);
    expect(res.text).toContain('id="ics-err-validation"');
    expect(res.text).not.toMatch(/<script/i);
    // Text from the route table reaches the page escaped: apostrophes in summaries, angle brackets in descriptions.
    expect(res.text).toContain('Read a child&#39;s record');
    expect(res.text).toContain('Bearer &lt;token&gt;');
    // Shared schemas are listed once, and each reference to one links to it.
    for (const name of Object.keys(doc.components.schemas)) expect(res.text, name).toContain(`id="schema-${name}"`);
    expect(res.text).toContain('<a href="#schema-InvolvementMessage">');
  });

  it('escapes everything it renders from the document', () => {
    const hostile = '<script>alert("x")</script>&\'';
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';
    const html = renderDocs(
      {
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
      },
      { ICS_ERR_X: { code: hostile, status: 400, title: hostile } },
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('alert("x")');
    expect(html.split(escaped).length - 1).toBeGreaterThanOrEqual(10);
  });
});
