/**
 * Issue 14 item 4 and issue 16 ("a rule is not one thing"): every ContactPoint refusal cites the
 * requirement of the rule or the field that failed, at the top and in errors[], with the code and
 * status of its row in the rules table. One case per rule and one per field-table row, over HTTP;
 * a rule or row without a case fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '../support/server.js';
import { cafIndicator, involvement, testNhs } from '../support/messages.js';
import { CAF_INDICATOR_FIELDS, CONTACTPOINT_RULES, INVOLVEMENT_FIELDS, type ContactPointRuleId } from '../../mocks/contactpoint/rules.js';
import type { FieldRow, FieldTable } from '../../src/platform/rules.js';
import { requirementForProblem } from '../../mocks/rules.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
});
afterAll(() => srv.close());

type Res = Awaited<ReturnType<typeof srv.api.request>>;
const send = (body: unknown, token?: string) => srv.api.request('POST', '/contactpoint/v1/involvements', { body, ...(token ? { token } : {}) });
const sendCaf = (body: unknown) => srv.api.request('POST', '/contactpoint/v1/caf-indicators', { body });
const stored = async () => (await srv.control('GET', '/contactpoint/children')).body.children.length as number;

/** How to break each rule, what it must be answered with (written out here, not read from the table), and where the refusal points. */
const RULE_CASES: Record<ContactPointRuleId, { code: string; requirement: string; path: string; send: () => Promise<Res> }> = {
  'born-by-message-date': {
    code: 'ICS_ERR_DATES',
    requirement: 'CP-FEED-010',
    path: '/child/dateOfBirth',
    send: () => send(involvement({ child: { dateOfBirth: '2026-12-01' } })),
  },
  'under-18': {
    code: 'ICS_ERR_AGE_LIMIT',
    requirement: 'CP-FEED-005',
    path: '/child/dateOfBirth',
    send: () => send(involvement({ child: { dateOfBirth: '2008-01-01' } })),
  },
  'case-information': {
    code: 'ICS_ERR_CASE_INFORMATION',
    requirement: 'CP-FEED-002',
    path: '/involvement/contact/teamName',
    send: () =>
      send(
        involvement({
          involvement: { contact: { kind: 'team', teamName: 'Referred because of neglect', organisation: 'Barnet', phone: '020 8359 4066' } },
        }),
      ),
  },
  'caf-case-information': {
    code: 'ICS_ERR_CASE_INFORMATION',
    requirement: 'CP-CAF-002',
    path: '/assessor/role',
    send: () =>
      sendCaf(
        cafIndicator(involvement().child, {
          assessor: {
            kind: 'practitioner',
            name: { given: 'M', family: 'S' },
            role: 'Diagnosis of ADHD',
            organisation: 'Hendon School',
            phone: '020 8202 9004',
          },
        }),
      ),
  },
  'end-after-start': {
    code: 'ICS_ERR_DATES',
    requirement: 'CP-FEED-010',
    path: '/involvement/endDate',
    send: () => send(involvement({ involvement: { startDate: '2026-11-01', endDate: '2026-10-01' } })),
  },
  'sensitive-basis-required': {
    code: 'ICS_ERR_SENSITIVE_BASIS',
    requirement: 'CP-FEED-006',
    path: '/involvement/sensitiveBasis',
    send: () => send(involvement({ involvement: { service: 'mental-health' } })),
  },
  'message-id-unique': {
    code: 'ICS_ERR_MESSAGE_ID_REUSED',
    requirement: 'CP-FEED-001',
    path: '/messageId',
    send: async () => {
      const first = involvement();
      expect((await send(first)).status).toBe(202);
      return send({ ...first, sentAt: '2026-11-20T11:00:00Z' });
    },
  },
  'own-source-record': {
    code: 'ICS_ERR_NOT_OWNER',
    requirement: 'SEC-ISO-001',
    path: 'path:sourceRecordId',
    send: async () => {
      const mine = involvement();
      expect((await send(mine)).status).toBe(202);
      return srv.api.request('GET', `/contactpoint/v1/source-records/${mine.sourceRecordId}`, { token: 'demo-ics-neighbour' });
    },
  },
  'end-not-delete': {
    code: 'ICS_ERR_DELETE_NOT_ALLOWED',
    requirement: 'CP-FEED-008',
    path: '',
    send: async () => {
      const mine = involvement();
      expect((await send(mine)).status).toBe(202);
      return srv.api.request('DELETE', `/contactpoint/v1/source-records/${mine.sourceRecordId}`);
    },
  },
  // The test server runs on the real clock: an hour ahead of it is past the five-minute skew.
  'sent-at-not-in-future': {
    code: 'ICS_ERR_VALIDATION',
    requirement: 'CP-FEED-007',
    path: '/sentAt',
    send: () => send(involvement({ sentAt: new Date(Date.now() + 3_600_000).toISOString() })),
  },
  'review-open': {
    code: 'ICS_ERR_REVIEW_STATE',
    requirement: 'CP-MATCH-003',
    path: 'path:reviewId',
    send: async () => {
      const nhsNumber = testNhs(4400);
      await send(involvement({ child: { identifiers: { nhsNumber }, name: { given: 'Rule', family: 'Review' }, dateOfBirth: '2013-03-03' } }));
      const held = await send(
        involvement({ child: { identifiers: { nhsNumber }, name: { given: 'Rule', family: 'Review' }, dateOfBirth: '2013-04-04' } }),
        'demo-education',
      );
      expect(held.body.status).toBe('queued-for-review');
      expect((await srv.control('POST', `/contactpoint/reviews/${held.body.reviewId}/resolve`, { createNew: true })).status).toBe(200);
      return srv.control('POST', `/contactpoint/reviews/${held.body.reviewId}/resolve`, { createNew: true });
    },
  },
};

describe('each ContactPoint rule is refused with its own code, status and requirement', () => {
  it('every rule in the table has a case here', () => {
    expect(Object.keys(RULE_CASES).sort()).toEqual(Object.keys(CONTACTPOINT_RULES).sort());
  });

  it.each(Object.keys(CONTACTPOINT_RULES) as ContactPointRuleId[])('%s', async (id) => {
    const row = CONTACTPOINT_RULES[id];
    const want = RULE_CASES[id];
    // The table says what this test says: a row with another code or requirement fails here.
    expect([row.error.code, row.requirement]).toEqual([want.code, want.requirement]);
    const before = await stored();
    const res = await RULE_CASES[id].send();
    const after = await stored();
    expect(res.status).toBe(row.status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: want.code, title: row.error.title, status: row.status, requirement: want.requirement });
    expect(res.body.errors).toEqual([expect.objectContaining({ path: want.path, rule: row.rule, requirement: want.requirement })]);
    // The engine's view of the same refusal (mocks/rules.ts).
    expect(requirementForProblem('contactpoint', res.body)).toBe(row.breaks);
    // A refusal stores nothing (the setup of some cases stored its own message before).
    if (!['message-id-unique', 'own-source-record', 'end-not-delete', 'review-open'].includes(id)) expect(after).toBe(before);
  });

  it('a message breaking two rules names both, coded as the first in table order', async () => {
    const res = await send(involvement({ child: { dateOfBirth: '2000-01-01' }, involvement: { service: 'sexual-health' } }));
    expect(res.body).toMatchObject({ code: 'ICS_ERR_AGE_LIMIT', requirement: 'CP-FEED-005' });
    expect(res.body.errors.map((e: { rule: string }) => e.rule)).toEqual(['under-18', 'sensitive-basis-required']);
  });
});

/** A valid message with one field broken. */
type Mutate = (m: any) => void;
const broken = (mutate: Mutate, make: () => unknown = () => involvement()) => {
  const m = structuredClone(make()) as any;
  mutate(m);
  return m;
};
const valid = () => involvement();
const validCaf = () => cafIndicator(involvement().child);

type FieldCase = [name: string, mutate: Mutate, path: string, rule: string, requirement: string];

const INVOLVEMENT_CASES: FieldCase[] = [
  ['an unknown top-level field', (m) => (m.caseNotes = 'x'), '/caseNotes', 'unknown-field', 'CP-FEED-002'],
  ['an unknown field inside the contact', (m) => (m.involvement.contact.reason = 'x'), '/involvement/contact/reason', 'unknown-field', 'CP-FEED-002'],
  ['a message ID that is not a UUID', (m) => (m.messageId = 'MSG-1'), '/messageId', 'format:uuid', 'CP-FEED-001'],
  [
    'a bad NHS-number check digit',
    (m) => (m.child.identifiers.nhsNumber = '9990000019'),
    '/child/identifiers/nhsNumber',
    'format:nhs-number',
    'CP-FEED-003',
  ],
  ['a bad UPN check letter', (m) => (m.child.identifiers.upn = 'Z302123409001'), '/child/identifiers/upn', 'format:upn', 'CP-FEED-003'],
  ['a date of birth sent as a timestamp', (m) => (m.child.dateOfBirth = '2014-05-02T00:00:00Z'), '/child/dateOfBirth', 'format:date', 'CP-FEED-010'],
  [
    'a school start date sent as a timestamp',
    (m) => (m.child.school = { urn: '101234', name: 'Hendon School', phone: '020 8202 9004', startDate: '2019-09-04T08:00:00Z' }),
    '/child/school/startDate',
    'format:date',
    'CP-FEED-010',
  ],
  ['sentAt without a time', (m) => (m.sentAt = '2026-11-20'), '/sentAt', 'format:date-time', 'CP-FEED-010'],
  [
    'a start date sent as a timestamp',
    (m) => (m.involvement.startDate = '2026-11-01T09:00:00Z'),
    '/involvement/startDate',
    'format:date',
    'CP-FEED-010',
  ],
  [
    'an end date sent as a timestamp',
    (m) => (m.involvement.endDate = '2026-11-30T17:00:00+00:00'),
    '/involvement/endDate',
    'format:date',
    'CP-FEED-010',
  ],
  ['a contact without a phone', (m) => delete m.involvement.contact.phone, '/involvement/contact/phone', 'required', 'CP-FEED-004'],
  [
    'a sensitive basis outside the list',
    (m) => ((m.involvement.service = 'mental-health'), (m.involvement.sensitiveBasis = 'parental-request')),
    '/involvement/sensitiveBasis',
    'enum',
    'CP-FEED-006',
  ],
  ['the lead-professional flag as text', (m) => (m.involvement.leadProfessional = 'yes'), '/involvement/leadProfessional', 'type', 'CP-FEED-012'],
  [
    'a service outside the list (no more specific requirement)',
    (m) => (m.involvement.service = 'police'),
    '/involvement/service',
    'enum',
    'CP-FEED-014',
  ],
];

const CAF_CASES: FieldCase[] = [
  ['an unknown field', (m) => (m.assessmentSummary = 'x'), '/assessmentSummary', 'unknown-field', 'CP-CAF-002'],
  ['a message ID that is not a UUID', (m) => (m.messageId = 'CAF-1'), '/messageId', 'format:uuid', 'CP-FEED-001'],
  [
    'a bad NHS-number check digit',
    (m) => (m.child.identifiers.nhsNumber = '9990000019'),
    '/child/identifiers/nhsNumber',
    'format:nhs-number',
    'CP-FEED-003',
  ],
  ['a date of birth sent as a timestamp', (m) => (m.child.dateOfBirth = '2014-05-02T00:00:00Z'), '/child/dateOfBirth', 'format:date', 'CP-FEED-010'],
  [
    'a school start date sent as a timestamp',
    (m) => (m.child.school = { urn: '101234', name: 'Hendon School', phone: '020 8202 9004', startDate: '2019-09-04T08:00:00Z' }),
    '/child/school/startDate',
    'format:date',
    'CP-FEED-010',
  ],
  ['sentAt without a time', (m) => (m.sentAt = '2026-11-21'), '/sentAt', 'format:date-time', 'CP-FEED-010'],
  ['completedOn sent as a timestamp', (m) => (m.completedOn = '2026-11-21T10:00:00Z'), '/completedOn', 'format:date', 'CP-FEED-010'],
  ['an assessor without a phone', (m) => delete m.assessor.phone, '/assessor/phone', 'required', 'CP-CAF-001'],
];

/** Every row of a field table is reached by one of its cases. */
function rowsReached(table: FieldTable, cases: FieldCase[]): FieldRow[] {
  const reached = new Set(cases.map(([, , path, rule]) => table.rowAt(path, rule)));
  return table.rows.filter((r) => !reached.has(r));
}

describe('a schema failure cites the requirement of the field it is at (field tables)', () => {
  it('every row of both tables has a case', () => {
    expect(rowsReached(INVOLVEMENT_FIELDS, INVOLVEMENT_CASES)).toEqual([]);
    expect(rowsReached(CAF_INDICATOR_FIELDS, CAF_CASES)).toEqual([]);
  });

  const check = async (res: Res, path: string, rule: string, requirement: string) => {
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'ICS_ERR_VALIDATION', requirement });
    expect(res.body.errors).toContainEqual(expect.objectContaining({ path, rule, requirement }));
    // Nothing else in the message was wrong: the failure is the one field, at the top and in errors[].
    expect(new Set(res.body.errors.map((e: { requirement: string }) => e.requirement))).toEqual(new Set([requirement]));
  };

  it.each(INVOLVEMENT_CASES)('InvolvementMessage: %s', async (_name, mutate, path, rule, requirement) => {
    const before = await stored();
    await check(await send(broken(mutate, valid)), path, rule, requirement);
    expect(await stored()).toBe(before);
  });

  it.each(CAF_CASES)('CafIndicatorMessage: %s', async (_name, mutate, path, rule, requirement) => {
    await check(await sendCaf(broken(mutate, validCaf)), path, rule, requirement);
  });

  it('a bulk line is judged by the same table', async () => {
    const lines = [broken((m) => (m.child.identifiers.nhsNumber = '9990000019')), broken((m) => delete m.involvement.contact.phone)];
    const res = await srv.api.request('POST', '/contactpoint/v1/involvements/bulk', {
      raw: lines.map((l) => JSON.stringify(l)).join('\n'),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    const results = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { problem: { requirement: string } });
    expect(results.map((r) => r.problem.requirement)).toEqual(['CP-FEED-003', 'CP-FEED-004']);
  });

  it('malformed JSON is CP-FEED-014 (well formed and valid), never CP-FEED-001', async () => {
    const res = await srv.api.request('POST', '/contactpoint/v1/involvements', {
      raw: '{"messageId": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.body).toMatchObject({ code: 'ICS_ERR_HTTP_MALFORMED_JSON', requirement: 'CP-FEED-014' });
  });
});
