/**
 * National eCAF's rules table (mocks/ecaf/rules.ts): every row is shown refused over HTTP with its
 * own code, rule and requirement by some test under test/ecaf (the rows no other file covers are
 * here); schema failures in a transfer cite the requirement of the part of the episode they are in.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECAF_RULES, TRANSFER_FIELDS } from '../../mocks/ecaf/rules.js';
import type { ExchangeEpisode } from '../../mocks/ecaf/schemas.js';
import { requirementForProblem } from '../../mocks/rules.js';
import { as, assessment, ecafServer, exchangeEpisode, openBody, refusal, stored, system, type Srv } from './helpers.js';

let srv: Srv;
beforeAll(async () => {
  srv = await ecafServer();
});
afterAll(() => srv.close());

const transfer = (episode: unknown, extra: Record<string, unknown> = {}) =>
  system(srv).post('/exchange/transfers', { messageId: randomUUID(), episode, ...extra });
let n = 900;
const episode = (over: Partial<ExchangeEpisode> = {}) => exchangeEpisode(n++, over);

describe('every eCAF rule is refused over HTTP with its code, rule and requirement', () => {
  it('each row of the table is asserted by a test under test/ecaf', () => {
    const dir = new URL('./', import.meta.url);
    const tests = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(new URL(f, dir), 'utf8'))
      .join('\n')
      // One call may be spread over lines by prettier.
      .replace(/\s+/g, ' ');
    const untested = Object.entries(ECAF_RULES)
      .filter(([, r]) => !tests.includes(`'${r.error.code}', '${r.rule}', '${r.requirement}'`))
      .map(([id]) => id);
    expect(untested).toEqual([]);
  });

  it('an incoming episode opened after today, or before the child was born', async () => {
    refusal(await transfer(episode({ openedOn: '2026-12-01' })), 422, 'ICS_ERR_DATES', 'not-in-future', 'ECAF-EXCH-005');
    refusal(await transfer(episode({ openedOn: '2011-01-01' })), 422, 'ICS_ERR_DATES', 'after-birth', 'ECAF-EXCH-005');
  });

  it('an assessment completed before the child was born', async () => {
    refusal(
      await as(srv, 'mentor').post('/episodes', { ...openBody(n++), assessment: assessment({ completedOn: '2011-01-01' }) }),
      422,
      'ICS_ERR_DATES',
      'after-birth',
      'ECAF-ASSESS-003',
    );
  });

  it('an incoming TAC with a member who left before joining, two co-ordinators, or nobody current', async () => {
    const x = episode();
    refusal(
      await transfer({ ...x, tac: [x.tac[0]!, { ...x.tac[1]!, leftOn: '2026-09-10' }] }),
      422,
      'ICS_ERR_ECAF_INVALID',
      'after-joined',
      'ECAF-EXCH-005',
    );
    refusal(
      await transfer({ ...x, tac: [x.tac[0]!, { ...x.tac[1]!, role: 'episode-coordinator' }] }),
      422,
      'ICS_ERR_ECAF_INVALID',
      'one-coordinator',
      'ECAF-TAC-001',
    );
    const gone = x.tac.map((m) => ({ ...m, leftOn: '2026-10-01' }));
    refusal(await transfer({ ...x, tac: gone, leadProfessional: undefined }), 422, 'ICS_ERR_ECAF_INVALID', 'active-member', 'ECAF-EXCH-005');
  });

  it('an incoming assessment updated before it was completed; progress by someone outside the TAC', async () => {
    const x = episode();
    refusal(
      await transfer({ ...x, assessment: { ...x.assessment!, lastUpdatedOn: '2026-09-01' } }),
      422,
      'ICS_ERR_DATES',
      'after-opened',
      'ECAF-EXCH-005',
    );
    const plan = [{ ...x.deliveryPlan[0]!, progress: [{ on: '2026-10-01', by: 'stranger', note: 'Started' }] }];
    refusal(await transfer({ ...x, deliveryPlan: plan }), 422, 'ICS_ERR_ECAF_INVALID', 'progress-by-member', 'ECAF-EXCH-005');
  });

  it('an incoming episode closed as "transfer to alternative holistic assessment" without a referral', async () => {
    const closed = episode({ status: 'closed', closure: { reason: 'transfer-to-alternative-holistic-assessment', closedOn: '2026-11-01' } });
    refusal(await transfer(closed), 422, 'ICS_ERR_ECAF_INVALID', 'referred-to-social-care', 'ECAF-LIFE-002');
  });

  it('the engine reads from a consent refusal the requirement the vendor broke (ECAF-OUT-002, ECAF-MIG-003)', async () => {
    const noConsent = await transfer(episode({ consents: [] }));
    refusal(noConsent, 403, 'ICS_ERR_CONSENT_REQUIRED', 'consent-captured', 'ECAF-EXCH-001');
    expect(requirementForProblem('ecaf', noConsent.body)).toBe('ECAF-OUT-002');
    const batch = await system(srv).post('/exchange/migrations', { batchRef: 'RULES-1', episodes: [episode({ consents: [] })] });
    const release = await system(srv).post(`/exchange/held/${batch.body.results[0].holdId as string}/release`);
    refusal(release, 409, 'ICS_ERR_HELD_FOR_CONSENT', 'consent-captured', 'ECAF-EXCH-004');
    expect(requirementForProblem('ecaf', release.body)).toBe('ECAF-MIG-003');
  });
});

type FieldCase = [name: string, body: () => unknown, path: string, rule: string, requirement: string];

const parts = (mutate: (x: any) => void) => () => {
  const x = structuredClone(episode()) as any;
  mutate(x);
  return { messageId: randomUUID(), episode: x };
};

const TRANSFER_CASES: FieldCase[] = [
  [
    "the child's date of birth as a timestamp",
    parts((x) => (x.child.dateOfBirth = '2012-03-14T00:00:00Z')),
    '/episode/child/dateOfBirth',
    'format:date',
    'ECAF-EPISODE-002',
  ],
  [
    'a bad NHS-number check digit',
    parts((x) => (x.child.identifiers.nhsNumber = '9990000019')),
    '/episode/child/identifiers/nhsNumber',
    'format:nhs-number',
    'ECAF-EPISODE-001',
  ],
  [
    'consent given on a timestamp',
    parts((x) => (x.consents[0].givenOn = '2026-08-28T10:00:00Z')),
    '/episode/consents/0/givenOn',
    'format:date',
    'ECAF-CONSENT-004',
  ],
  [
    "a TAC member's contact without a phone",
    parts((x) => delete x.tac[0].contact.phone),
    '/episode/tac/0/contact/phone',
    'required',
    'ECAF-EPISODE-001',
  ],
  [
    'an assessment completed on a timestamp',
    parts((x) => (x.assessment.completedOn = '2026-09-08T12:00:00Z')),
    '/episode/assessment/completedOn',
    'format:date',
    'ECAF-ASSESS-003',
  ],
  [
    'an assessment without its assessor',
    parts((x) => delete x.assessment.assessedBy),
    '/episode/assessment/assessedBy',
    'required',
    'ECAF-ASSESS-001',
  ],
  [
    'an action due on a timestamp',
    parts((x) => (x.deliveryPlan[0].byWhen = '2026-12-18T00:00:00Z')),
    '/episode/deliveryPlan/0/byWhen',
    'format:date',
    'ECAF-PLAN-001',
  ],
  [
    'a review dated with a timestamp',
    parts((x) => (x.reviews[0].date = '2026-10-20T14:00:00Z')),
    '/episode/reviews/0/date',
    'format:date',
    'ECAF-REVIEW-002',
  ],
  ['a review without next steps', parts((x) => delete x.reviews[0].nextSteps), '/episode/reviews/0/nextSteps', 'required', 'ECAF-REVIEW-001'],
  [
    'a closure reason outside the list',
    parts((x) => ((x.status = 'closed'), (x.closure = { reason: 'fixed', closedOn: '2026-11-01' }))),
    '/episode/closure/reason',
    'enum',
    'ECAF-LIFE-002',
  ],
  [
    "an unknown field in the transfer (the operation's own requirement)",
    () => ({ messageId: randomUUID(), episode: episode(), priority: 'high' }),
    '/priority',
    'unknown-field',
    'ECAF-EXCH-001',
  ],
];

describe('a schema failure in a transfer cites the requirement of the part it is in', () => {
  it('every row of the transfer field table has a case', () => {
    const reached = new Set(TRANSFER_CASES.map(([, , path, rule]) => TRANSFER_FIELDS.rowAt(path, rule)));
    expect(TRANSFER_FIELDS.rows.filter((r) => !reached.has(r))).toEqual([]);
  });

  it.each(TRANSFER_CASES)('%s', async (_name, body, path, rule, requirement) => {
    const before = (await stored(srv)).episodes.length;
    const res = await system(srv).post('/exchange/transfers', body());
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'ICS_ERR_VALIDATION', requirement });
    expect(res.body.errors).toEqual([expect.objectContaining({ path, rule, requirement })]);
    expect((await stored(srv)).episodes.length).toBe(before);
  });

  it('an episode of a migration batch is judged by the same parts, under /episodes/<index>', async () => {
    const x = structuredClone(episode()) as any;
    delete x.tac[0].contact.phone;
    const res = await system(srv).post('/exchange/migrations', { batchRef: 'RULES-2', episodes: [x] });
    expect(res.body.results[0]).toMatchObject({
      outcome: 'rejected',
      problem: { requirement: 'ECAF-EPISODE-001', errors: [{ path: '/episodes/0/tac/0/contact/phone', requirement: 'ECAF-EPISODE-001' }] },
    });
  });
});
