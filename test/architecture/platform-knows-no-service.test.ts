/**
 * src/platform knows no service (docs/decisions/0052): a service tells the platform what it needs
 * through its ServiceModule. A third service composed here, through the platform as it is, shows
 * that adding one edits nothing in src/platform; the scan shows no service's name crept back in.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { Store } from '../../src/platform/store.js';
import { Sessions, type Client, type SessionContext } from '../../src/platform/sessions.js';
import { Journal } from '../../src/platform/journal.js';
import { Pipeline } from '../../src/platform/pipeline.js';
import { json, route } from '../../src/platform/http.js';
import { buildOpenApi } from '../../src/platform/openapi.js';
import { defineErrors } from '../../src/platform/errors.js';
import { RuleBook } from '../../src/platform/rules.js';
import { Closed, Type } from '../../src/platform/schema.js';
import type { ServiceModule } from '../../src/platform/service.js';
import { SERVICES } from '../../src/mock-server/services.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every string and identifier of a file's code, comments left out. */
function codeWords(text: string): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isStringLiteralLike(n) || ts.isTemplateLiteralToken(n) || ts.isIdentifier(n)) out.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true));
  return out;
}

function platformFiles(dir = 'src/platform'): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? platformFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
  );
}

describe('src/platform names no service', () => {
  it('has no service name, permission, format or service requirement in its code', () => {
    const words = new Set<string>();
    for (const s of SERVICES) {
      words.add(s.name);
      for (const p of Object.keys(s.permissions)) words.add(p);
      for (const f of Object.keys(s.formats)) words.add(f);
      words.add(s.practitionerRequirement);
      for (const r of Object.values(s.rules)) words.add(r.requirement);
      for (const code of Object.keys(s.errors)) words.add(code);
    }
    const found: string[] = [];
    for (const file of platformFiles())
      for (const w of codeWords(readFileSync(join(ROOT, file), 'utf8'))) {
        const named = [...words].filter((x) => w === x || (w.toLowerCase().includes(x.toLowerCase()) && x.length > 6));
        if (named.length > 0 || /contact\s*point|national ecaf/i.test(w)) found.push(`${file}: "${w.slice(0, 80)}"`);
      }
    expect(found).toEqual([]);
  });
});

describe('a third service through the platform', () => {
  const E = defineErrors({ ICS_ERR_FAKE_ODD: { status: 422, title: 'The number is odd.' } });
  const rules = { even: { rule: 'even', requirement: 'FAKE-001', error: E.ICS_ERR_FAKE_ODD, status: 422, anchor: 'docs/interface/fake.md#numbers' } };
  const book = new RuleBook<'even'>('fake', rules, 'first');
  const Body = Closed({ id: Type.String({ format: 'fake-id' }), n: Type.Integer() });
  const fake: ServiceModule = {
    name: 'fake',
    description: 'A service no file of src/platform knows.',
    permissions: { 'fake:count': 'Count numbers.' },
    formats: { 'fake-id': (v) => /^F\d+$/.test(v) },
    practitionerRequirement: 'FAKE-AUDIT-001',
    errors: E,
    rules,
    requirements: [{ id: 'FAKE-001', statement: 'Numbers are even.', source: { domainNotes: 'A test.' }, verifiedBy: [] }],
    preparers: [],
    routes: [
      route({
        operationId: 'countNumber',
        method: 'POST',
        path: '/fake/v1/numbers',
        service: 'fake',
        summary: 'Count a number',
        auth: { kind: 'client', permission: 'fake:count', practitioner: true },
        requirement: 'FAKE-002',
        body: Body,
        mutates: true,
        responses: { 200: { description: 'Counted.' } },
        handler: ({ body, client, session, practitionerId }) => {
          // The context is typed by the route: its auth gives client, session and practitioner, its schema the body.
          expectTypeOf(client).toEqualTypeOf<Client>();
          expectTypeOf(session).toEqualTypeOf<SessionContext>();
          expectTypeOf(practitionerId).toEqualTypeOf<string>();
          expectTypeOf(body).toEqualTypeOf<{ id: string; n: number }>();
          if (body.n % 2 !== 0) throw book.raise('even', '/n', 'odd');
          return json(200, { counted: body.id });
        },
      }),
    ],
  };

  function compose() {
    const store = new Store(':memory:');
    const sessions = new Sessions(store, () => [
      { id: 'counter', name: 'Counter', organisation: 'Fake Ltd', permissions: ['fake:count'], token: 't-counter' },
    ]);
    const journal = new Journal(store);
    const { session } = sessions.create({ id: 's1' });
    const pipeline = new Pipeline(fake.routes, { store, sessions, journal, controlToken: 'ctl', services: [fake] });
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      pipeline.handle({
        method: 'POST',
        path: '/fake/v1/numbers',
        query: {},
        headers: { authorization: 'Bearer t-counter', 'content-type': 'application/json', 'practitioner-id': 'p1', ...headers },
        body: (async function* () {
          yield Buffer.from(JSON.stringify(body));
        })(),
      });
    return { store, journal, session, post };
  }

  it('serves, refuses by its rules and formats, audits by its requirement and journals under its name', async () => {
    const { store, journal, session, post } = compose();
    expect((await post({ id: 'F1', n: 2 })).status).toBe(200);
    const odd = await post({ id: 'F1', n: 3 });
    expect(odd.body).toMatchObject({ code: 'ICS_ERR_FAKE_ODD', errors: [{ rule: 'even', requirement: 'FAKE-001' }] });
    const badId = await post({ id: 'X', n: 2 });
    expect(badId.body).toMatchObject({ code: 'ICS_ERR_VALIDATION', errors: [{ path: '/id', rule: 'format:fake-id' }] });
    const anonymous = await post({ id: 'F1', n: 2 }, { 'practitioner-id': '' });
    expect(anonymous.body).toMatchObject({ code: 'ICS_ERR_PRACTITIONER_MISSING', requirement: 'FAKE-AUDIT-001' });
    const noToken = await post({ id: 'F1', n: 2 }, { authorization: '' });
    expect(noToken.headers['www-authenticate']).toBe('Bearer realm="fake"');
    journal.flush();
    const entries = journal.list(session.id).entries;
    expect(entries.map((e) => [e.service, e.operationId, e.status])).toEqual([
      ['fake', 'countNumber', 200],
      ['fake', 'countNumber', 422],
      ['fake', 'countNumber', 422],
      ['fake', 'countNumber', 400],
    ]);
    store.close();
  });

  it('is published in OpenAPI under its own tag', () => {
    const doc = buildOpenApi(fake.routes, '0.0.0', { tags: [{ name: fake.name, description: fake.description }] }) as {
      tags: unknown[];
      paths: Record<string, Record<string, { tags: string[]; description: string }>>;
    };
    expect(doc.tags).toEqual([{ name: 'fake', description: 'A service no file of src/platform knows.' }]);
    expect(doc.paths['/fake/v1/numbers']!.post!.tags).toEqual(['fake']);
    expect(doc.paths['/fake/v1/numbers']!.post!.description).toContain('`fake:count`');
  });
});
