/**
 * Parity: the same cases through the express server and through the msw handlers give the same
 * status, content type, headers that matter and body shape (ignoring receipt IDs, times and UUIDs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, throughBothAdapters, type Cases, type Outcome, type Recorded } from '../support/parity.js';
import { CONTROL } from '../support/server.js';
import type { MockServices } from '../../src/msw.js';
import { involvement, testNhs } from '../support/messages.js';

const MSW_BASE = 'http://contactpoint.test';

type Send = {
  method: string;
  path: string;
  token?: string | null;
  body?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
};

const msgA = involvement({ child: { identifiers: { nhsNumber: testNhs(900) }, name: { given: 'Parity', family: 'Alpha' } } });
const msgB = involvement({ child: { identifiers: { nhsNumber: testNhs(901) } } });
const bulkLines = [
  involvement({ child: { identifiers: { nhsNumber: testNhs(902) } } }),
  { ...msgB, notes: 'x' },
  involvement({ child: { identifiers: { nhsNumber: testNhs(903) } } }),
];
const lookupHeaders = { 'practitioner-id': 'P-PARITY' };

const post = (body: unknown, token?: string | null): Send => ({
  method: 'POST',
  path: '/contactpoint/v1/involvements',
  body,
  ...(token !== undefined ? { token } : {}),
});
const control = (method: string, path: string, body?: unknown): Send => ({
  method,
  path: `/control/v1/sessions/default${path}`,
  token: CONTROL,
  ...(body !== undefined ? { body } : {}),
});

/** Each case is a list of requests; the outcome compared is that of the last one. */
const cases: Cases<Send> = [
  ['valid message', () => [post(msgA)]],
  ['repeat of the same message', () => [post(msgA)]],
  ['unknown field', () => [post({ ...msgB, caseNotes: 'x' })]],
  ['bad NHS number (check digit)', () => [post(involvement({ child: { identifiers: { nhsNumber: '9990000019' } } }))]],
  ['malformed JSON', () => [{ method: 'POST', path: '/contactpoint/v1/involvements', raw: '{"messageId":', contentType: 'application/json' }]],
  ['wrong content type', () => [{ method: 'POST', path: '/contactpoint/v1/involvements', raw: JSON.stringify(msgB), contentType: 'text/plain' }]],
  ['no credentials', () => [post(msgB, null)]],
  ['unknown credentials', () => [post(msgB, 'demo-nobody')]],
  ['wrong permission', () => [post(msgB, 'demo-practitioner')]],
  [
    'lookup without Practitioner-Id',
    (seen) => [{ method: 'GET', path: `/contactpoint/v1/children/${seen.get('valid message')!.raw.contactPointId}`, token: 'demo-practitioner' }],
  ],
  [
    'lookup',
    (seen) => [
      {
        method: 'GET',
        path: `/contactpoint/v1/children/${seen.get('valid message')!.raw.contactPointId}`,
        token: 'demo-practitioner',
        headers: lookupHeaders,
      },
    ],
  ],
  [
    'search',
    () => [
      { method: 'GET', path: '/contactpoint/v1/children?familyName=Alpha&givenName=Parity', token: 'demo-practitioner', headers: lookupHeaders },
    ],
  ],
  [
    'search with one criterion',
    () => [{ method: 'GET', path: '/contactpoint/v1/children?familyName=Alpha', token: 'demo-practitioner', headers: lookupHeaders }],
  ],
  ['read back own source record', () => [{ method: 'GET', path: `/contactpoint/v1/source-records/${msgA.sourceRecordId}` }]],
  // An encoded "%" in a path segment is decoded once by both adapters: "REC%41" breaks the ID's pattern (422).
  ['source record ID with an encoded percent sign', () => [{ method: 'GET', path: '/contactpoint/v1/source-records/REC%2541' }]],
  [
    "another system's source record",
    () => [{ method: 'GET', path: `/contactpoint/v1/source-records/${msgA.sourceRecordId}`, token: 'demo-ics-neighbour' }],
  ],
  ['delete refused', () => [{ method: 'DELETE', path: `/contactpoint/v1/source-records/${msgA.sourceRecordId}` }]],
  [
    'bulk with 3 lines',
    () => [
      {
        method: 'POST',
        path: '/contactpoint/v1/involvements/bulk',
        raw: bulkLines.map((l) => JSON.stringify(l)).join('\n') + '\n',
        contentType: 'application/x-ndjson',
      },
    ],
  ],
  ['404 path', () => [{ method: 'GET', path: '/contactpoint/v1/nothing-here' }]],
  ['405 method', () => [{ method: 'PATCH', path: '/contactpoint/v1/involvements', body: {} }]],
  ['OpenAPI document', () => [{ method: 'GET', path: '/openapi.json', token: null }]],
  ['control API without the control token', () => [{ method: 'GET', path: '/control/v1/sessions', token: 'demo-ics' }]],
  [
    'fault injection: 503 with Retry-After',
    () => [control('POST', '/faults', { operationId: 'submitInvolvement', kind: 'error', status: 503, retryAfterSeconds: 7, count: 1 }), post(msgB)],
  ],
  [
    'fault injection: 429',
    () => [control('POST', '/faults', { operationId: '*', kind: 'error', status: 429, retryAfterSeconds: 1, count: 1 }), post(msgB)],
  ],
  [
    'fault injection: dropped connection',
    () => [control('POST', '/faults', { operationId: 'submitInvolvement', kind: 'drop', count: 1 }), post(msgB)],
  ],
  [
    'fault injection: drop after commit',
    () => [control('POST', '/faults', { operationId: 'submitInvolvement', kind: 'drop-after-commit', count: 1 }), post(msgB)],
  ],
  ['retry after a lost acknowledgement gets the original receipt', () => [post(msgB)]],
  ['children held (control API)', () => [control('GET', '/contactpoint/children')]],
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const VOLATILE_KEYS = new Set(['receiptId', 'reviewId', 'id']);

/** The body with what legitimately differs between two runs replaced by placeholders. */
function shape(v: unknown, key?: string): unknown {
  if (Array.isArray(v)) return v.map((x) => shape(x));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x, k)]));
  if (typeof v === 'string') {
    if (key && VOLATILE_KEYS.has(key)) return '<id>';
    if (UUID.test(v)) return '<uuid>';
    if (DATETIME.test(v)) return '<datetime>';
  }
  return v;
}

function send(base: string, s: Send): Promise<Recorded> {
  const headers: Record<string, string> = { ...(s.headers ?? {}) };
  const token = s.token === undefined ? 'demo-ics' : s.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const body = s.raw ?? (s.body !== undefined ? JSON.stringify(s.body) : undefined);
  if (body !== undefined) headers['content-type'] = s.contentType ?? 'application/json';
  return record(base + s.path, { method: s.method, headers, ...(body !== undefined ? { body } : {}) }, shape);
}

let viaExpress: Map<string, Outcome>;
let viaMsw: Map<string, Outcome>;
let expressMock: MockServices;
let mswMock: MockServices;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ viaExpress, viaMsw, expressMock, mswMock, close } = await throughBothAdapters(MSW_BASE, cases, send));
});

afterAll(async () => {
  await close?.();
});

describe('express and msw adapters give the same answers', () => {
  it.each(cases.map(([name]) => name))('%s', (name) => {
    expect(viaMsw.get(name)).toEqual(viaExpress.get(name));
  });

  it('the cases cover what they claim (checked on the express side)', () => {
    const status = (name: string) => viaExpress.get(name)!.status;
    expect(status('valid message')).toBe(202);
    expect(status('repeat of the same message')).toBe(200);
    expect(status('unknown field')).toBe(422);
    expect(status('bad NHS number (check digit)')).toBe(422);
    expect(status('malformed JSON')).toBe(400);
    expect(status('wrong content type')).toBe(415);
    expect(status('no credentials')).toBe(401);
    expect(status('wrong permission')).toBe(403);
    expect(status('lookup without Practitioner-Id')).toBe(400);
    expect(status('lookup')).toBe(200);
    expect((viaExpress.get('search')!.body as any).results).toHaveLength(1);
    expect(viaExpress.get('source record ID with an encoded percent sign')).toMatchObject({
      status: 422,
      body: { errors: [{ path: 'path:sourceRecordId', rule: 'pattern' }] },
    });
    expect(status("another system's source record")).toBe(404);
    expect(status('delete refused')).toBe(409);
    const bulk = viaExpress.get('bulk with 3 lines')!;
    expect(bulk.headers['content-type']).toBe('application/x-ndjson');
    expect((bulk.body as any[]).map((l) => l.ok)).toEqual([true, false, true]);
    expect(status('404 path')).toBe(404);
    expect(viaExpress.get('405 method')!.headers.allow).toBe('POST');
    expect(viaExpress.get('fault injection: 503 with Retry-After')).toMatchObject({ status: 503, headers: { 'retry-after': '7' } });
    expect(status('fault injection: 429')).toBe(429);
    expect(status('fault injection: dropped connection')).toBe('dropped');
    expect(status('fault injection: drop after commit')).toBe('dropped');
    expect(viaExpress.get('retry after a lost acknowledgement gets the original receipt')).toMatchObject({ status: 200, body: { repeat: true } });
    // msgA, the two good bulk lines and msgB (stored by the exchange whose acknowledgement was dropped).
    expect((viaExpress.get('children held (control API)')!.body as any).children).toHaveLength(4);
  });

  it('both journals record the same exchanges with the same verdicts', () => {
    const summary = (m: MockServices) =>
      m.journal.list('default', { limit: 1000 }).entries.map((e) => `${e.operationId} ${e.status} ${e.verdict}${e.fault ? ` (${e.fault})` : ''}`);
    const express = summary(expressMock);
    expect(express.length).toBeGreaterThan(15);
    expect(summary(mswMock)).toEqual(express);
  });
});
