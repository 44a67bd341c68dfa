/**
 * Parity for National eCAF: the same cases through the express server and through the msw handlers
 * give the same status, the headers that matter and the same body shape (IDs drawn at random,
 * UUIDs and times replaced by placeholders; the session clock is frozen, so most times match anyway).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, throughBothAdapters, type Cases, type Outcome, type Recorded, type Seen } from '../support/parity.js';
import { CONTROL } from '../support/server.js';
import type { MockServices } from '../../src/msw.js';
import { consent, exchangeEpisode, member, NOW, openBody } from './helpers.js';

const MSW_BASE = 'http://ecaf.test';

type Send = { method: string; path: string; token?: string | null; practitioner?: string; body?: unknown; raw?: string; contentType?: string };

// Built once, so both transports send byte-identical messages.
const open = openBody(900);
const openUncovered = openBody(901, { agencies: ['youth-service'] });
const transferred = exchangeEpisode(902);
const transferId = randomUUID();
const lostAckId = randomUUID();
const lostAck = exchangeEpisode(903);
const held = exchangeEpisode(904, { consents: [] });

const P = (method: string, path: string, practitioner: string, body?: unknown): Send => ({
  method,
  path: `/ecaf/v1${path}`,
  token: 'demo-practitioner',
  practitioner,
  ...(body !== undefined ? { body } : {}),
});
const ICS = (method: string, path: string, body?: unknown): Send => ({
  method,
  path: `/ecaf/v1${path}`,
  token: 'demo-ics',
  ...(body !== undefined ? { body } : {}),
});
const control = (method: string, path: string, body?: unknown): Send => ({
  method,
  path: `/control/v1/sessions/default${path}`,
  token: CONTROL,
  ...(body !== undefined ? { body } : {}),
});
const ep = (seen: Seen) => `/episodes/${seen.get('open an episode')!.raw.episodeId}`;
const hold = (seen: Seen) => `/exchange/held/${seen.get('migration batch with a held episode')!.raw.results[0].holdId}`;

/** Each case is a list of requests; the outcome compared is that of the last one. */
const cases: Cases<Send> = [
  ['freeze the clock', () => [control('PUT', '/clock', { now: NOW, frozen: true })]],
  ['open an episode', () => [P('POST', '/episodes', 'mentor', open)]],
  ["open without consent for the opener's agency", () => [P('POST', '/episodes', 'mentor', openUncovered)]],
  ['read as a TAC member', (s) => [P('GET', ep(s), 'mentor')]],
  ['read as a stranger', (s) => [P('GET', ep(s), 'stranger')]],
  ['no Practitioner-Id', (s) => [{ method: 'GET', path: `/ecaf/v1${ep(s)}`, token: 'demo-practitioner' }]],
  ['unknown field', () => [P('POST', '/episodes', 'mentor', { ...open, caseNotes: 'x' })]],
  ['malformed JSON', () => [{ ...P('POST', '/episodes', 'mentor'), raw: '{"child":', contentType: 'application/json' }]],
  ['wrong content type', () => [{ ...P('POST', '/episodes', 'mentor'), raw: JSON.stringify(open), contentType: 'text/plain' }]],
  ['no credentials', () => [{ ...P('POST', '/episodes', 'mentor', open), token: null }]],
  ['wrong permission', () => [{ ...P('POST', '/episodes', 'mentor', open), token: 'demo-ics' }]],
  ['add a member consent does not cover', (s) => [P('POST', `${ep(s)}/tac`, 'mentor', member('hsg', 'housing'))]],
  ['record consent', (s) => [P('POST', `${ep(s)}/consents`, 'mentor', consent(['housing']))]],
  ['add the member', (s) => [P('POST', `${ep(s)}/tac`, 'mentor', member('hsg', 'housing'))]],
  ['the member leaves', (s) => [P('DELETE', `${ep(s)}/tac/hsg`, 'hsg')]],
  [
    'add an action',
    (s) => [
      P('POST', `${ep(s)}/actions`, 'mentor', {
        action: 'Homework club',
        responsible: { kind: 'tac-member', practitionerId: 'mentor' },
        byWhen: '2026-12-18',
        desiredOutcome: 'Homework in',
      }),
    ],
  ],
  [
    'send a message',
    (s) => [
      P('POST', `${ep(s)}/tac`, 'mentor', member('youth', 'youth-service')),
      P('POST', `${ep(s)}/messages`, 'mentor', { to: ['youth'], subject: 'Hello', body: 'Group on Tuesday' }),
    ],
  ],
  ['read messages', (s) => [P('GET', `${ep(s)}/messages`, 'youth')]],
  [
    'refer to social care',
    (s) => [
      P('POST', `${ep(s)}/social-care-referral`, 'mentor', {
        note: 'Escalated',
        socialCareMember: member('sw', 'childrens-social-care', 'social-worker'),
      }),
    ],
  ],
  ["mark social care's responsibility (not social care)", (s) => [P('POST', `${ep(s)}/social-care-responsibility`, 'mentor', { note: 'x' })]],
  ["mark social care's responsibility", (s) => [P('POST', `${ep(s)}/social-care-responsibility`, 'sw', { note: 'Allocated' })]],
  ['step down', (s) => [P('POST', `${ep(s)}/step-down`, 'sw', { leadProfessional: 'mentor', note: 'Done', socialCareLeaves: true })]],
  ['close', (s) => [P('POST', `${ep(s)}/closure`, 'mentor', { reason: 'needs-met' })]],
  ['close a closed episode', (s) => [P('POST', `${ep(s)}/closure`, 'mentor', { reason: 'needs-met' })]],
  ['reopen', (s) => [P('POST', `${ep(s)}/reopening`, 'mentor', { reason: 'Needs again' })]],
  ['management report', () => [{ method: 'GET', path: '/ecaf/v1/reports/long-open-episodes?olderThanDays=0', token: 'demo-la-admin' }]],
  ['transfer in', () => [ICS('POST', '/exchange/transfers', { messageId: transferId, episode: transferred })]],
  ['transfer retried', () => [ICS('POST', '/exchange/transfers', { messageId: transferId, episode: transferred })]],
  [
    'transfer without consent',
    () => [ICS('POST', '/exchange/transfers', { messageId: randomUUID(), episode: { ...exchangeEpisode(905), consents: [] } })],
  ],
  [
    'export',
    (s) => [
      ICS('POST', '/exchange/exports', {
        episodeId: s.get('transfer in')!.raw.episodeId,
        destination: { localAuthority: '302', system: 'Barnet local CAF' },
      }),
    ],
  ],
  [
    'migration batch with a held episode',
    () => [ICS('POST', '/exchange/migrations', { batchRef: 'MIG-PARITY', episodes: [held, { localRef: 'x' }] })],
  ],
  ['release before consent', (s) => [ICS('POST', `${hold(s)}/release`)]],
  ['held episodes', () => [ICS('GET', '/exchange/held')]],
  [
    'capture consent and release',
    (s) => [ICS('POST', `${hold(s)}/consents`, consent(['learning-mentor', 'youth-service'])), ICS('POST', `${hold(s)}/release`)],
  ],
  ['404 path', () => [P('GET', '/nothing-here', 'mentor')]],
  ['405 method', (s) => [P('PATCH', ep(s), 'mentor', {})]],
  [
    'fault injection: 503 with Retry-After',
    () => [
      control('POST', '/faults', { operationId: 'openEpisode', kind: 'error', status: 503, retryAfterSeconds: 5, count: 1 }),
      P('POST', '/episodes', 'mentor', open),
    ],
  ],
  [
    'fault injection: drop after commit',
    () => [
      control('POST', '/faults', { operationId: 'transferEpisodeIn', kind: 'drop-after-commit', count: 1 }),
      ICS('POST', '/exchange/transfers', { messageId: lostAckId, episode: lostAck }),
    ],
  ],
  ['retry after a lost acknowledgement', () => [ICS('POST', '/exchange/transfers', { messageId: lostAckId, episode: lostAck })]],
  ['audit (control API)', () => [control('GET', '/ecaf/audit')]],
  ['episodes held (control API)', () => [control('GET', '/ecaf/episodes')]],
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** Hold, export, batch and episode IDs are drawn at random, also where a path or a detail names them. */
const RANDOM_ID = /(HOLD|EXP|MIG)-[0-9A-F]{8}|ECAF\.EP\.\d{4}\.\d{6}/g;

function sortedShapes(list: unknown[]): unknown[] {
  return list.map(shape).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  // Lists of episodes are in episode ID order, and IDs are drawn at random: compared as sets.
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'episodes' && Array.isArray(x) ? sortedShapes(x) : shape(x)]));
  if (typeof v === 'string') {
    if (UUID.test(v)) return '<uuid>';
    if (DATETIME.test(v)) return '<datetime>';
    return v.replace(RANDOM_ID, '<id>');
  }
  return v;
}

function send(base: string, s: Send): Promise<Recorded> {
  const headers: Record<string, string> = {};
  if (s.token) headers.authorization = `Bearer ${s.token}`;
  if (s.practitioner) headers['practitioner-id'] = s.practitioner;
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

describe('National eCAF: express and msw adapters give the same answers', () => {
  it.each(cases.map(([name]) => name))('%s', (name) => {
    expect(viaMsw.get(name)).toEqual(viaExpress.get(name));
  });

  it('the cases cover what they claim (checked on the express side)', () => {
    const status = (name: string) => viaExpress.get(name)!.status;
    const expected: Record<string, number | 'dropped'> = {
      'open an episode': 201,
      "open without consent for the opener's agency": 403,
      'read as a TAC member': 200,
      'read as a stranger': 403,
      'no Practitioner-Id': 400,
      'unknown field': 422,
      'malformed JSON': 400,
      'wrong content type': 415,
      'no credentials': 401,
      'wrong permission': 403,
      'add a member consent does not cover': 403,
      'add the member': 200,
      'the member leaves': 200,
      'send a message': 201,
      "mark social care's responsibility (not social care)": 403,
      'close a closed episode': 409,
      reopen: 200,
      'transfer in': 201,
      'transfer retried': 200,
      'transfer without consent': 403,
      export: 200,
      'release before consent': 409,
      'capture consent and release': 201,
      '404 path': 404,
      '405 method': 405,
      'fault injection: 503 with Retry-After': 503,
      'fault injection: drop after commit': 'dropped',
      'retry after a lost acknowledgement': 200,
    };
    for (const [name, s] of Object.entries(expected)) expect([name, status(name)]).toEqual([name, s]);
    expect(viaExpress.get('fault injection: 503 with Retry-After')!.headers['retry-after']).toBe('5');
    expect((viaExpress.get('migration batch with a held episode')!.body as any).results.map((r: any) => r.outcome)).toEqual([
      'held-for-consent',
      'rejected',
    ]);
    expect((viaExpress.get('read messages')!.body as any).messages).toHaveLength(1);
    expect((viaExpress.get('audit (control API)')!.body as any).entries.length).toBeGreaterThan(20);
  });

  it('both journals record the same exchanges with the same verdicts', () => {
    const summary = (m: MockServices) =>
      m.journal.list('default', { limit: 1000 }).entries.map((e) => `${e.operationId} ${e.status} ${e.verdict}${e.fault ? ` (${e.fault})` : ''}`);
    const express = summary(expressMock);
    expect(express.length).toBeGreaterThan(30);
    expect(summary(mswMock)).toEqual(express);
  });
});
