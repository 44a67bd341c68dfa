/**
 * The examples in docs/interface/contactpoint.md are valid: every ```json block marked with a schema
 * name validates against that schema (ajv, as the server validates), and the example messages also
 * pass the rules beyond the schema. A doc example a vendor copies must never be refused.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertValid } from '../../src/platform/validate.js';
import { ProblemError } from '../../src/platform/problem.js';
import { ProblemSchema } from '../../src/platform/problem-schema.js';
import { isValidContactPointId } from '../../mocks/contactpoint/cpid.js';
import { createMockServices } from '../../src/mock-server/mock.js';
import { messageFindings } from '../../mocks/contactpoint/domain/prepare.js';
import {
  InvolvementMessage,
  CafIndicatorMessage,
  Receipt,
  ShieldingRequest,
  BulkLineResult,
  ChildRecord,
  RestrictedChildRecord,
  ChildSummary,
  SourceRecordView,
} from '../../mocks/contactpoint/schemas.js';
import type { TSchema } from '../../src/platform/schema.js';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/interface/contactpoint.md', import.meta.url)), 'utf8');

const SCHEMAS: Record<string, TSchema> = {
  InvolvementMessage,
  CafIndicatorMessage,
  Receipt,
  ShieldingRequest,
  BulkLineResult,
  ChildRecord,
  RestrictedChildRecord,
  ChildSummary,
  SourceRecordView,
  Problem: ProblemSchema,
};

/** ```json <SchemaName> blocks, with the line they start on. */
const examples = [...DOC.matchAll(/^```json[ \t]+(\w+)[ \t]*\n([\s\S]*?)^```$/gm)].map((m) => ({
  schema: m[1]!,
  text: m[2]!,
  line: DOC.slice(0, m.index).split('\n').length,
}));

describe('docs/interface/contactpoint.md examples', () => {
  it('has marked examples of the messages a vendor sends', () => {
    const counts = examples.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.schema]: (acc[e.schema] ?? 0) + 1 }), {});
    expect(counts.InvolvementMessage).toBeGreaterThanOrEqual(3);
    expect(counts.CafIndicatorMessage).toBeGreaterThanOrEqual(1);
    expect(counts.Receipt).toBeGreaterThanOrEqual(1);
  });

  it('names only schemas that exist', () => {
    expect(examples.filter((e) => !(e.schema in SCHEMAS)).map((e) => `line ${e.line}: ${e.schema}`)).toEqual([]);
  });

  it.each(examples.map((e) => [`line ${e.line}: ${e.schema}`, e] as const))('%s is valid against its schema', (_name, e) => {
    const value = JSON.parse(e.text) as unknown;
    try {
      assertValid(SCHEMAS[e.schema]!, value, 'DOC-001');
    } catch (err) {
      if (err instanceof ProblemError) expect.fail(`${e.schema} example at line ${e.line}: ${JSON.stringify(err.problem.errors)}`);
      throw err;
    }
  });

  it('example messages pass the rules beyond the schema (case content, age, dates, sensitive basis)', () => {
    for (const e of examples) {
      if (e.schema === 'InvolvementMessage')
        expect(messageFindings('involvement', JSON.parse(e.text) as InvolvementMessage), `line ${e.line}`).toEqual([]);
      if (e.schema === 'CafIndicatorMessage') expect(messageFindings('caf', JSON.parse(e.text) as CafIndicatorMessage), `line ${e.line}`).toEqual([]);
    }
  });

  it('every ContactPoint ID in the document passes its check', () => {
    const ids = [...DOC.matchAll(/\bCP\d{9}[A-Z]\b/g)].map((m) => m[0]);
    expect(ids.length).toBeGreaterThan(3);
    expect(ids.filter((id) => !isValidContactPointId(id))).toEqual([]);
  });

  it('the permission table lists every permission there is', async () => {
    const { PERMISSIONS } = await import('../../src/mock-server/services.js');
    for (const [name, meaning] of Object.entries(PERMISSIONS)) expect(DOC).toContain(`| \`${name}\` | ${meaning} |`);
  });

  it('the operations table lists every ContactPoint operation with its method, path and permission', () => {
    const mock = createMockServices();
    try {
      for (const r of mock.pipeline.routes.filter((x) => x.service === 'contactpoint')) {
        const row = DOC.split('\n').find((l) => l.startsWith(`| \`${r.operationId}\` |`));
        expect(row, r.operationId).toBeDefined();
        expect(row).toContain(`\`${r.method} ${r.path}`);
        if (r.auth.kind === 'client') expect(row).toContain(`\`${r.auth.permission}\``);
      }
    } finally {
      mock.close();
    }
  });
});
