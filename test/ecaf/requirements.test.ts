/** Keeps mocks/ecaf/requirements.md, the code that cites its IDs, the tests and the OpenAPI document in step. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServices, type MockServices } from '../../src/mock-server/mock.js';
import { ExchangeEpisode } from '../../mocks/ecaf/schemas.js';
import { ECAF_RULES } from '../../mocks/ecaf/rules.js';
import type { RuleDef } from '../../src/platform/rules.js';
import { requirement } from '../../src/harness/model/catalogue.js';
import { ecafRequirementsMarkdown } from '../../mocks/ecaf/requirements.js';
import { inlineSchemaRefs } from '../../src/platform/openapi.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ID = /ECAF-[A-Z]+-\d{3}/g;
const files = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
const idsIn = (paths: string[]) => new Set(paths.flatMap((p) => readFileSync(join(root, p), 'utf8').match(ID) ?? []));

const table = readFileSync(join(root, 'mocks/ecaf/requirements.md'), 'utf8');
const catalogue = [...table.matchAll(/^\| (ECAF-[A-Z]+-\d{3}) \| (.+?) \| (.+?) \|$/gm)].map((m) => ({ id: m[1]!, statement: m[2]!, source: m[3]! }));

let mock: MockServices;
beforeAll(() => {
  mock = createMockServices();
});
afterAll(() => mock.close());

describe('National eCAF requirement IDs', () => {
  it('the table is generated from the catalogue (npm run build && node scripts/ecaf-requirements.mjs)', () => {
    expect(table).toBe(ecafRequirementsMarkdown(table));
  });

  it('the table lists each ID once, with a statement and a guidance-note section', () => {
    const ids = catalogue.map((r) => r.id);
    expect(ids.length).toBeGreaterThan(30);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of catalogue) expect(r.source).toMatch(/\d\.\d|DN/);
  });

  it('every ID the service cites is in the table', () => {
    const listed = new Set(catalogue.map((r) => r.id));
    // A rule's `breaks` names a requirement on the vendor's system (src/harness/model/catalogue.ts), not one of the service's.
    const onVendors = new Set(Object.values(ECAF_RULES).flatMap((r: RuleDef) => (r.breaks ? [r.breaks] : [])));
    const cited = idsIn(files('mocks/ecaf'));
    expect([...cited].filter((id) => !listed.has(id) && !onVendors.has(id))).toEqual([]);
    expect([...onVendors].filter((id) => requirement(id)?.appliesTo !== 'sut')).toEqual([]);
  });

  it('every ID in the table has a test that cites it', () => {
    const tested = idsIn(files('test/ecaf').filter((f) => f.endsWith('.test.ts') && !f.endsWith('requirements.test.ts')));
    expect(catalogue.map((r) => r.id).filter((id) => !tested.has(id))).toEqual([]);
  });

  it('the served OpenAPI document has every eCAF operation, each naming a listed requirement', () => {
    const doc = mock.openapi() as { paths: Record<string, Record<string, { operationId: string; tags: string[]; 'x-requirement': string }>> };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.values(methods).map((op) => ({ path, ...op })));
    const ecaf = ops.filter((op) => op.tags.includes('ecaf'));
    expect(ecaf.length).toBeGreaterThanOrEqual(26);
    for (const op of ecaf) {
      expect(op.path.startsWith('/ecaf/v1/')).toBe(true);
      expect(catalogue.map((r) => r.id)).toContain(op['x-requirement']);
    }
    expect(ops.find((op) => op.operationId === 'getEcafAudit')).toMatchObject({
      path: '/control/v1/sessions/{sessionId}/ecaf/audit',
      tags: ['control'],
    });
  });

  it('every object in an eCAF request is closed (unknown fields are refused)', () => {
    const doc = inlineSchemaRefs(mock.openapi() as { paths: Record<string, Record<string, any>> });
    const open: string[] = [];
    let objects = 0;
    const walk = (node: any, at: string): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      // Migration batch items are validated one by one against ExchangeEpisode (checked below).
      const isObject =
        (node.type === 'object' || node.properties !== undefined) && !String(node.title ?? '').startsWith('ExchangeEpisode (validated');
      if (isObject && !(node.oneOf && node.properties === undefined)) {
        objects++;
        if (node.additionalProperties !== false) open.push(at);
      }
      for (const [k, v] of Object.entries(node)) if (k !== 'examples') walk(v, `${at}/${k}`);
    };
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        if (!op.tags.includes('ecaf')) continue;
        for (const [ct, c] of Object.entries<any>(op.requestBody?.content ?? {})) walk(c.schema, `${method} ${path} ${ct}`);
        for (const p of op.parameters ?? []) if (p.in === 'query') walk(p.schema, `${method} ${path} ?${p.name}`);
      }
    walk(JSON.parse(JSON.stringify(ExchangeEpisode)), 'ExchangeEpisode');
    expect(open).toEqual([]);
    expect(objects).toBeGreaterThan(100);
  });
});
