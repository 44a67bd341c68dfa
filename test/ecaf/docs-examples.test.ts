/**
 * The examples in docs/interface/ecaf.md are valid: every ```json block preceded by
 * `<!-- schema: Name -->` validates (ajv, as the server validates) against the schema of that name
 * exported from mocks/ecaf/schemas.ts (`Problem`: the problem+json schema), and each episode of a
 * MigrationBatch against ExchangeEpisode, as the server judges them one by one. The request examples
 * are then sent to the mock on the story's dates and get the answers the document shows. A doc
 * example a vendor copies must never be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind } from '@sinclair/typebox';
import { assertValid } from '../../src/platform/validate.js';
import { ProblemError } from '../../src/platform/problem.js';
import { ProblemSchema } from '../../src/platform/problem-schema.js';
import { PERMISSIONS } from '../../src/mock-server/services.js';
import { isValidNhsNumber, isTestRangeNhsNumber } from '../../src/platform/identifiers/index.js';
import { isValidContactPointId } from '../../mocks/contactpoint/cpid.js';
import { createMockServices } from '../../src/mock-server/mock.js';
import * as ecafSchemas from '../../mocks/ecaf/schemas.js';
import { hannahChildren } from '../../fixtures/hannah.js';
import { hannahCafConsents } from '../../fixtures/hannah-caf.js';
import type { TSchema } from '../../src/platform/schema.js';
import { testServer } from '../support/server.js';
import type { Srv } from './helpers.js';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/interface/ecaf.md', import.meta.url)), 'utf8');

/** `<!-- schema: Name -->`, then a ```json block: the name, the JSON text and the line the block starts on. */
const MARKED = /<!--[ \t]*schema:[ \t]*(\w+)[ \t]*-->[ \t]*\r?\n```json[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm;
const examples = [...DOC.matchAll(MARKED)].map((m) => ({
  schema: m[1]!,
  text: m[2]!,
  line: DOC.slice(0, m.index).split('\n').length + 1,
}));
const markers = [...DOC.matchAll(/<!--[ \t]*schema:/g)].length;

/** The schema a marker names: an export of mocks/ecaf/schemas.ts, or Problem. */
function schemaNamed(name: string): TSchema | undefined {
  if (name === 'Problem') return ProblemSchema;
  const s = (ecafSchemas as Record<string, unknown>)[name];
  return s !== null && typeof s === 'object' && Kind in s ? (s as TSchema) : undefined;
}

const only = (name: string) => {
  const found = examples.filter((e) => e.schema === name);
  if (found.length !== 1) throw new Error(`expected one ${name} example in docs/interface/ecaf.md, found ${found.length}`);
  return JSON.parse(found[0]!.text);
};

function valid(schema: TSchema, value: unknown, where: string): void {
  try {
    assertValid(schema, value, 'DOC-001');
  } catch (err) {
    if (err instanceof ProblemError) expect.fail(`${where}: ${JSON.stringify(err.problem.errors)}`);
    throw err;
  }
}

describe('docs/interface/ecaf.md examples', () => {
  it('has marked examples, including each request a vendor sends', () => {
    expect(examples.length, 'no <!-- schema: Name --> ```json examples found').toBeGreaterThan(0);
    const names = new Set(examples.map((e) => e.schema));
    for (const name of ['OpenEpisodeRequest', 'TransferRequest', 'MigrationBatch']) expect(names, name).toContain(name);
  });

  it('every schema marker is followed by a ```json block', () => {
    expect(examples.length).toBe(markers);
  });

  it('names only schemas that exist', () => {
    expect(examples.filter((e) => !schemaNamed(e.schema)).map((e) => `line ${e.line}: ${e.schema}`)).toEqual([]);
  });

  it.each(examples.map((e) => [`line ${e.line}: ${e.schema}`, e] as const))('%s is valid against its schema', (_name, e) => {
    const schema = schemaNamed(e.schema);
    expect(schema, `no schema ${e.schema}`).toBeDefined();
    valid(schema!, JSON.parse(e.text) as unknown, `${e.schema} example at line ${e.line}`);
  });

  it('each episode of a MigrationBatch example is a valid ExchangeEpisode', () => {
    const batches = examples.filter((e) => e.schema === 'MigrationBatch');
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) {
      const { episodes } = JSON.parse(b.text) as { episodes: unknown[] };
      expect(episodes.length).toBeGreaterThanOrEqual(2);
      episodes.forEach((x, i) => valid(ecafSchemas.ExchangeEpisode, x, `MigrationBatch at line ${b.line}, episode ${i}`));
    }
  });

  it("NHS numbers are the fixtures' (999 test range, valid check digit); ContactPoint IDs pass their check", () => {
    const fixtures = new Set(hannahChildren.map((c) => c.identity.identifiers.nhsNumber));
    const nhs = [...DOC.matchAll(/"nhsNumber":\s*"([^"]*)"/g)].map((m) => m[1]!);
    expect(nhs.length).toBeGreaterThan(0);
    for (const n of nhs) {
      expect(isValidNhsNumber(n) && isTestRangeNhsNumber(n), n).toBe(true);
      expect(fixtures, n).toContain(n);
    }
    expect([...DOC.matchAll(/\bCP\d{9}[A-Z]\b/g)].map((m) => m[0]).filter((id) => !isValidContactPointId(id))).toEqual([]);
  });

  it('the permission table lists the eCAF permissions as defined', () => {
    for (const [name, meaning] of Object.entries(PERMISSIONS)) if (name.startsWith('ecaf:')) expect(DOC).toContain(`| \`${name}\` | ${meaning} |`);
  });

  it('the operations table lists every eCAF operation with its method, path, permission and requirement', () => {
    const mock = createMockServices();
    try {
      const routes = mock.pipeline.routes.filter((r) => r.service === 'ecaf');
      expect(routes.length).toBeGreaterThan(20);
      for (const r of routes) {
        const row = DOC.split('\n').find((l) => l.startsWith(`| \`${r.operationId}\` |`));
        expect(row, r.operationId).toBeDefined();
        expect(row).toContain(`\`${r.method} ${r.path}`);
        if (r.auth.kind === 'client') expect(row).toContain(`\`${r.auth.permission}\``);
        expect(row).toContain(`| ${r.requirement} |`);
      }
    } finally {
      mock.close();
    }
  });
});

describe("the request examples, sent to the mock on the story's dates", () => {
  let srv: Srv;
  beforeAll(async () => {
    srv = await testServer();
  });
  afterAll(() => srv.close());

  const at = (now: string) => srv.control('PUT', '/clock', { now, frozen: true });
  const ecaf = (method: string, path: string, opts: { token: string; practitioner?: string; body?: unknown }) =>
    srv.api.request(method, `/ecaf/v1${path}`, {
      token: opts.token,
      ...(opts.practitioner ? { headers: { 'practitioner-id': opts.practitioner } } : {}),
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });
  const as = (practitioner: string) => ({
    get: (path: string) => ecaf('GET', path, { token: 'demo-practitioner', practitioner }),
    post: (path: string, body: unknown) => ecaf('POST', path, { token: 'demo-practitioner', practitioner, body }),
    put: (path: string, body: unknown) => ecaf('PUT', path, { token: 'demo-practitioner', practitioner, body }),
  });
  const system = (method: string, path: string, body?: unknown) => ecaf(method, path, { token: 'demo-ics', body });
  /** Episode IDs differ between the document's story and a fresh session. */
  const anyEpisode = (value: unknown) => JSON.parse(JSON.stringify(value).replace(/ECAF\.EP\.\d{4}\.\d{6}/g, 'ECAF.EP.*')) as unknown;

  it('are accepted, refused and reported as the document says', async () => {
    const melanie = as('prac-213-melanie');

    // Opening: Melanie logs Hannah's CAF.
    await at('2009-11-09T16:00:00Z');
    const opened = await melanie.post('/episodes', only('OpenEpisodeRequest'));
    expect(opened.status, opened.text).toBe(201);
    expect(opened.body).toMatchObject({
      status: 'open',
      consents: [{ consentId: 'C1' }],
      tac: [{ practitionerId: 'prac-213-melanie', role: 'episode-coordinator' }],
      assessment: { assessedBy: 'prac-213-melanie', lastUpdatedOn: '2009-11-09' },
      withheld: [],
      contactPoint: { status: 'accepted' },
    });
    const hannahEpisode = opened.body.episodeId as string;

    // The refusal: Steve from housing, before Hannah consents to housing. Then the consent, and it succeeds.
    await at('2009-11-16T15:00:00Z');
    const steve = only('TacMemberInput');
    const refused = await melanie.post(`/episodes/${hannahEpisode}/tac`, steve);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(anyEpisode(refused.body)).toEqual(anyEpisode(only('Problem')));
    expect((await melanie.post(`/episodes/${hannahEpisode}/consents`, hannahCafConsents.teamAroundTheChild)).status).toBe(200);
    expect((await melanie.post(`/episodes/${hannahEpisode}/tac`, steve)).status).toBe(200);
    expect((await melanie.put(`/episodes/${hannahEpisode}/lead-professional`, { practitionerId: 'prac-213-melanie' })).status).toBe(200);

    // Transfer in: a receipt like the document's; a retry gets it back as a repeat.
    await at('2010-01-18T10:30:00Z');
    const transfer = only('TransferRequest');
    const receipt = only('TransferReceipt');
    const sent = await system('POST', '/exchange/transfers', transfer);
    expect(sent.status, sent.text).toBe(201);
    expect(sent.body).toMatchObject({
      messageId: receipt.messageId,
      localRef: receipt.localRef,
      repeat: false,
      receivedAt: receipt.receivedAt,
      contactPoint: { status: 'accepted' },
    });
    const again = await system('POST', '/exchange/transfers', transfer);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ episodeId: sent.body.episodeId, repeat: true });
    const jackEpisode = sent.body.episodeId as string;
    // Housing is shared the delivery plan only.
    const asSteve = await as('prac-201-steve').get(`/episodes/${jackEpisode}`);
    expect(asSteve.status).toBe(200);
    expect(asSteve.body.withheld).toEqual(['assessment', 'reviews']);
    expect(asSteve.body.origin).toMatchObject({ kind: 'transfer', localRef: transfer.episode.localRef });

    // Export: the episode in the exchange format, its localRef the national ID.
    const exported = await system('POST', '/exchange/exports', { ...only('ExportRequest'), episodeId: jackEpisode });
    expect(exported.status, exported.text).toBe(200);
    expect(exported.body.episode.localRef).toBe(jackEpisode);

    // Migration: one imported, one held for consent, as in the document's report.
    await at('2010-02-01T02:00:00Z');
    const report = only('MigrationReport');
    const migrated = await system('POST', '/exchange/migrations', only('MigrationBatch'));
    expect(migrated.status, migrated.text).toBe(200);
    expect(migrated.body.summary).toEqual(report.summary);
    const strip = (results: any[]) => results.map(({ episodeId: _e, holdId: _h, ...r }) => r);
    expect(strip(migrated.body.results)).toEqual(strip(report.results));
    const holdId = migrated.body.results.find((r: any) => r.outcome === 'held-for-consent').holdId as string;

    // Consent capture: the held episode becomes releasable, then is released.
    await at('2010-02-08T11:00:00Z');
    const held = only('HeldEpisode');
    const captured = await system('POST', `/exchange/held/${holdId}/consents`, only('ConsentInput'));
    expect(captured.status, captured.text).toBe(200);
    const { holdId: _h, batchId: _b, ...rest } = held;
    expect(captured.body).toMatchObject(rest);
    const released = await system('POST', `/exchange/held/${holdId}/release`);
    expect(released.status, released.text).toBe(201);
    expect(released.body).toMatchObject({ status: 'released', episodeId: expect.stringMatching(/^ECAF\.EP\.2010\.\d{6}$/) });

    // The long-open report: only Hannah's episode is open longer than 180 days.
    await at('2010-06-01T08:00:00Z');
    const expected = only('LongOpenReport');
    const longOpen = await ecaf('GET', `/reports/long-open-episodes?olderThanDays=${expected.olderThanDays}`, { token: 'demo-la-admin' });
    expect(longOpen.status, longOpen.text).toBe(200);
    expect(longOpen.body.episodes.map((e: any) => e.episodeId)).toEqual([hannahEpisode]);
    const { lastUpdatedAt: _l, episodeId: _i, ...shown } = expected.episodes[0];
    expect(longOpen.body.episodes[0]).toMatchObject(shown);
  });
});
