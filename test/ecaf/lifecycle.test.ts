import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, assessment, ecafServer, member, NOW, openBody, openEpisode, refusal, stored, type Srv } from './helpers.js';

let srv: Srv;
beforeAll(async () => {
  srv = await ecafServer();
});
afterAll(() => srv.close());

const mentor = () => as(srv, 'mentor');
const social = member('sw', 'childrens-social-care', 'social-worker');
const refer = (id: string, m = social) =>
  mentor().post(`/episodes/${id}/social-care-referral`, { note: 'Needs have escalated; please assess.', socialCareMember: m });
const cpIndicator = async (cpId: string) =>
  (await srv.api.request('GET', `/contactpoint/v1/children/${cpId}`, { token: 'demo-practitioner', headers: { 'practitioner-id': 'check' } })).body
    .cafIndicator;
const setClock = (now: string) => srv.control('PUT', '/clock', { now, frozen: true });

describe('closing and reopening', () => {
  it('ECAF-LIFE-001: closing a closed episode is refused (409); so is changing it, until it reopens', async () => {
    const id = await openEpisode(srv, 200);
    const closed = await mentor().post(`/episodes/${id}/closure`, { reason: 'needs-met', note: 'Plan complete' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closure: { reason: 'needs-met', closedBy: 'mentor', note: 'Plan complete' } });
    refusal(await mentor().post(`/episodes/${id}/closure`, { reason: 'needs-met' }), 409, 'ICS_ERR_LIFECYCLE', 'episode-open', 'ECAF-LIFE-001');
    refusal(await mentor().post(`/episodes/${id}/tac`, member('youth', 'youth-service')), 409, 'ICS_ERR_LIFECYCLE', 'episode-open', 'ECAF-LIFE-001');
    refusal(
      await mentor().post(`/episodes/${id}/reviews`, {
        date: '2026-11-25',
        peoplePresent: ['x'],
        nextSteps: 'y',
        outcome: { kind: 'next-review', nextReviewOn: '2027-01-01' },
      }),
      409,
      'ICS_ERR_LIFECYCLE',
      'episode-open',
      'ECAF-LIFE-001',
    );
    // Reading stays possible while consent is in force.
    expect((await mentor().get(`/episodes/${id}`)).body.status).toBe('closed');
    refusal(await mentor().post(`/episodes/${id}/closure`, { reason: 'fixed' }), 422, 'ICS_ERR_VALIDATION', 'enum', 'ECAF-LIFE-002');
  });

  it('ECAF-LIFE-002: "transfer to alternative holistic assessment" needs a referral to social care first', async () => {
    const id = await openEpisode(srv, 201);
    refusal(
      await mentor().post(`/episodes/${id}/closure`, { reason: 'transfer-to-alternative-holistic-assessment' }),
      409,
      'ICS_ERR_LIFECYCLE',
      'referred-to-social-care',
      'ECAF-LIFE-002',
    );
    expect((await refer(id)).status).toBe(200);
    const closed = await as(srv, 'sw').post(`/episodes/${id}/closure`, {
      reason: 'transfer-to-alternative-holistic-assessment',
      note: 'Initial assessment under way in ICS',
    });
    expect(closed.status).toBe(200);
    expect(closed.body.closure.reason).toBe('transfer-to-alternative-holistic-assessment');
  });

  it('ECAF-LIFE-003: nothing closes by itself, not even a review recommending closure', async () => {
    const id = await openEpisode(srv, 202);
    const review = await mentor().post(`/episodes/${id}/reviews`, {
      date: '2026-11-25',
      peoplePresent: ['Ruby'],
      nextSteps: 'Close',
      outcome: { kind: 'closure-recommended', reason: 'needs-met' },
    });
    expect(review.body.status).toBe('open');
    expect(review.body.nextReviewOn).toBeUndefined();
    await setClock('2028-11-25T09:00:00Z');
    try {
      expect((await mentor().get(`/episodes/${id}`)).body.status).toBe('open');
    } finally {
      await setClock(NOW);
    }
  });

  it('ECAF-LIFE-004: a closed episode reopens; an open one does not', async () => {
    const id = await openEpisode(srv, 203);
    refusal(await mentor().post(`/episodes/${id}/reopening`, { reason: 'Needs again' }), 409, 'ICS_ERR_LIFECYCLE', 'episode-closed', 'ECAF-LIFE-004');
    const opened = (await mentor().get(`/episodes/${id}`)).body;
    await mentor().post(`/episodes/${id}/closure`, { reason: 'needs-met' });
    await setClock('2027-03-01T09:00:00Z');
    try {
      const re = await mentor().post(`/episodes/${id}/reopening`, { reason: 'School attendance has fallen again' });
      expect(re.status).toBe(200);
      expect(re.body).toMatchObject({ status: 'open', openedAt: opened.openedAt, openSince: '2027-03-01T09:00:00.000Z' });
      expect(re.body.closure).toBeUndefined();
      expect(re.body.events.map((e: any) => e.event)).toEqual(['opened', 'closed', 'reopened']);
      expect(re.body.events[2].detail).toContain('was closed: needs-met');
    } finally {
      await setClock(NOW);
    }
  });

  it('ECAF-CPIND-001: ContactPoint follows the episode: closed, then open again', async () => {
    const id = await openEpisode(srv, 204);
    const closed = await mentor().post(`/episodes/${id}/closure`, { reason: 'moved-to-another-authority' });
    expect(await cpIndicator(closed.body.contactPoint.contactPointId)).toMatchObject({ exists: true, status: 'closed' });
    await mentor().post(`/episodes/${id}/reopening`, { reason: 'Family returned' });
    expect(await cpIndicator(closed.body.contactPoint.contactPointId)).toMatchObject({ status: 'open' });
  });

  it('ECAF-LIFE-002: an episode whose consent was withdrawn can still be closed by a member, but not reopened', async () => {
    const id = await openEpisode(srv, 205);
    await mentor().post(`/episodes/${id}/consents/C1/withdrawal`, { withdrawnOn: '2026-11-25' });
    const closed = await mentor().post(`/episodes/${id}/closure`, { reason: 'family-disengaged' });
    expect(closed.status).toBe(200);
    expect(closed.body.withheld).toEqual(['assessment', 'delivery-plan', 'reviews']);
    refusal(
      await mentor().post(`/episodes/${id}/reopening`, { reason: 'Try again' }),
      403,
      'ICS_ERR_CONSENT_REQUIRED',
      'consent-in-force',
      'ECAF-CONSENT-003',
    );
  });
});

describe('stepping up to social care and back down', () => {
  it('ECAF-STEP-001: a referral keeps the episode open and adds a social worker, with consent covering social care', async () => {
    const noSocialCare = await openEpisode(srv, 210, { agencies: ['learning-mentor'] });
    refusal(await refer(noSocialCare), 403, 'ICS_ERR_CONSENT_REQUIRED', 'consent-covers-agency', 'ECAF-CONSENT-002');
    const id = await openEpisode(srv, 211);
    refusal(await refer(id, member('sw', 'childrens-social-care', 'practitioner')), 422, 'ICS_ERR_ECAF_INVALID', 'social-care-role', 'ECAF-STEP-001');
    const res = await refer(id, member('rep', 'childrens-social-care', 'social-care-representative'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'open', socialCare: { state: 'referred', referredBy: 'mentor' }, socialCareResponsibility: false });
    expect(res.body.tac.map((m: any) => [m.practitionerId, m.role])).toContainEqual(['rep', 'social-care-representative']);
    expect((await as(srv, 'rep').get(`/episodes/${id}`)).body.assessment).toBeDefined();
    refusal(await refer(id), 409, 'ICS_ERR_LIFECYCLE', 'not-with-social-care', 'ECAF-STEP-001');
  });

  it('ECAF-STEP-002: after a referral, only social care marks the open episode as its responsibility', async () => {
    const id = await openEpisode(srv, 212);
    refusal(
      await mentor().post(`/episodes/${id}/social-care-responsibility`, { note: 'x' }),
      409,
      'ICS_ERR_LIFECYCLE',
      'referred-to-social-care',
      'ECAF-STEP-002',
    );
    await refer(id);
    refusal(
      await mentor().post(`/episodes/${id}/social-care-responsibility`, { note: 'x' }),
      403,
      'ICS_ERR_TAC_ROLE',
      'social-care-member',
      'ECAF-STEP-002',
    );
    const res = await as(srv, 'sw').post(`/episodes/${id}/social-care-responsibility`, { note: 'Allocated to the children in need team' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'open',
      socialCareResponsibility: true,
      socialCare: { state: 'social-care-responsibility', responsibilityNote: 'Allocated to the children in need team' },
    });
  });

  it('ECAF-STEP-003: social care steps down, handing the episode back to a lead professional', async () => {
    const id = await openEpisode(srv, 213);
    const body = { leadProfessional: 'mentor', note: 'Child in need plan complete; CAF continues', socialCareLeaves: true };
    refusal(await as(srv, 'mentor').post(`/episodes/${id}/step-down`, body), 409, 'ICS_ERR_LIFECYCLE', 'with-social-care', 'ECAF-STEP-003');
    await refer(id);
    await as(srv, 'sw').post(`/episodes/${id}/social-care-responsibility`, { note: 'Allocated' });
    refusal(await mentor().post(`/episodes/${id}/step-down`, body), 403, 'ICS_ERR_TAC_ROLE', 'social-care-member', 'ECAF-STEP-003');
    refusal(
      await as(srv, 'sw').post(`/episodes/${id}/step-down`, { ...body, leadProfessional: 'sw' }),
      422,
      'ICS_ERR_ECAF_INVALID',
      'lead-stays',
      'ECAF-STEP-003',
    );
    const res = await as(srv, 'sw').post(`/episodes/${id}/step-down`, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'open',
      leadProfessional: 'mentor',
      socialCareResponsibility: false,
      socialCare: { state: 'stepped-down' },
    });
    expect(res.body.tac.find((m: any) => m.practitionerId === 'sw').leftAt).toBeDefined();
    refusal(await as(srv, 'sw').get(`/episodes/${id}`), 403, 'ICS_ERR_NOT_TAC_MEMBER', 'tac-member', 'ECAF-ACCESS-001');
    // A later escalation is a new referral.
    expect((await refer(id, member('sw2', 'childrens-social-care', 'social-worker'))).status).toBe(200);
  });

  it("ECAF-STEP-003: reopening an episode closed for social care's assessment is the step back down", async () => {
    const id = await openEpisode(srv, 214);
    await refer(id);
    await as(srv, 'sw').post(`/episodes/${id}/closure`, { reason: 'transfer-to-alternative-holistic-assessment' });
    const re = await as(srv, 'sw').post(`/episodes/${id}/reopening`, { reason: 'Social work involvement complete; outstanding additional needs' });
    expect(re.status).toBe(200);
    expect(re.body).toMatchObject({ status: 'open', socialCare: { state: 'stepped-down', steppedDownAt: expect.any(String) } });
  });
});

describe('management report', () => {
  it('ECAF-REPORT-001: lists episodes open longer than N days, for ecaf:reports only, with no child details', async () => {
    await setClock('2025-01-10T09:00:00Z');
    const body = openBody(220);
    const opened = await mentor().post('/episodes', {
      ...body,
      consent: { ...body.consent, givenOn: '2025-01-06' },
      assessment: assessment({ completedOn: '2025-01-09' }),
    });
    const old = opened.body.episodeId as string;
    await setClock(NOW);
    const fresh = await openEpisode(srv, 221);
    const report = async (days: string, token = 'demo-la-admin') =>
      srv.api.request('GET', `/ecaf/v1/reports/long-open-episodes?olderThanDays=${days}`, { token });
    const res = await report('365');
    expect(res.status).toBe(200);
    const ids = res.body.episodes.map((e: any) => e.episodeId);
    expect(ids).toContain(old);
    expect(ids).not.toContain(fresh);
    const row = res.body.episodes.find((e: any) => e.episodeId === old);
    expect(row).toMatchObject({ daysOpen: 684, coordinator: { name: { given: 'mentor' } }, socialCareResponsibility: false });
    expect(JSON.stringify(res.body)).not.toContain('Ruby');
    // "Longer than": a day to the second is not longer than a day; a second more is.
    await setClock('2026-11-26T09:00:00Z');
    expect((await report('1')).body.episodes.map((e: any) => e.episodeId)).not.toContain(fresh);
    await setClock('2026-11-26T09:00:01Z');
    expect((await report('1')).body.episodes.map((e: any) => e.episodeId)).toContain(fresh);
    await setClock(NOW);
    await mentor().post(`/episodes/${old}/closure`, { reason: 'needs-met' });
    expect((await report('365')).body.episodes.map((e: any) => e.episodeId)).not.toContain(old);
    expect((await report('365', 'demo-practitioner')).status).toBe(403);
    const bad = await report('many');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ path: 'query:/olderThanDays', rule: 'pattern', requirement: 'ECAF-REPORT-001' });
    expect((await srv.api.request('GET', '/ecaf/v1/reports/long-open-episodes', { token: 'demo-la-admin' })).status).toBe(422);
    expect((await stored(srv)).episodes.length).toBeGreaterThan(0);
  });
});
