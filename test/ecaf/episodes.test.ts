import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validator } from '../../src/platform/validate.js';
import { EpisodeView } from '../../mocks/ecaf/schemas.js';
import { as, assessment, child, ecafServer, member, openBody, openEpisode, refusal, stored, TODAY, type Srv } from './helpers.js';

let srv: Srv;
beforeAll(async () => {
  srv = await ecafServer();
});
afterAll(() => srv.close());

const mentor = () => as(srv, 'mentor');
const cpRecord = async (cpId: string) =>
  (await srv.api.request('GET', `/contactpoint/v1/children/${cpId}`, { token: 'demo-practitioner', headers: { 'practitioner-id': 'lookup-check' } }))
    .body;

describe('episodes', () => {
  it('ECAF-EPISODE-001: a practitioner logs an episode with consent and assessment and becomes its co-ordinator', async () => {
    const res = await mentor().post('/episodes', openBody(1));
    expect(res.status).toBe(201);
    const ep = res.body;
    expect(validator(EpisodeView)(ep)).toBe(true);
    expect(ep.episodeId).toMatch(/^ECAF\.EP\.2026\.\d{6}$/);
    expect(ep).toMatchObject({
      status: 'open',
      origin: { kind: 'opened', by: 'mentor' },
      tac: [{ practitionerId: 'mentor', role: 'episode-coordinator', agency: 'learning-mentor' }],
      consents: [{ consentId: 'C1', givenBy: { role: 'child' } }],
      assessment: { assessedBy: 'mentor', lastUpdatedOn: TODAY },
      withheld: [],
      socialCareResponsibility: false,
      contactPoint: { status: 'accepted', contactPointId: expect.stringMatching(/^CP\d{9}[A-Z]$/) },
    });
    expect(ep.events.map((e: any) => e.event)).toEqual(['opened']);
    expect((await mentor().get(`/episodes/${ep.episodeId}`)).body.episodeId).toBe(ep.episodeId);
  });

  it('ECAF-EPISODE-001: every part of the CAF can be logged later; the episode can open without an assessment', async () => {
    const res = await mentor().post('/episodes', openBody(2, { withAssessment: false }));
    expect(res.status).toBe(201);
    expect(res.body.assessment).toBeUndefined();
    expect(res.body.deliveryPlan).toEqual([]);
    expect(res.body.reviews).toEqual([]);
  });

  it('ECAF-EPISODE-002: a child not yet born, or 18 or over, is refused and nothing is stored', async () => {
    const before = (await stored(srv)).episodes.length;
    refusal(
      await mentor().post('/episodes', openBody(3, { child: child(3, { dateOfBirth: '2027-01-01' }) })),
      422,
      'ICS_ERR_DATES',
      'born',
      'ECAF-EPISODE-002',
    );
    refusal(
      await mentor().post('/episodes', openBody(4, { child: child(4, { dateOfBirth: '2008-01-01' }) })),
      422,
      'ICS_ERR_ECAF_INVALID',
      'under-18',
      'ECAF-EPISODE-002',
    );
    expect((await stored(srv)).episodes.length).toBe(before);
    expect((await mentor().post('/episodes', openBody(5, { child: child(5, { dateOfBirth: '2008-11-26' }) }))).status).toBe(201);
  });

  it("ECAF-EPISODE-003: the child's details are updated (superseded data) and reach ContactPoint", async () => {
    const id = await openEpisode(srv, 6);
    const moved = { ...child(6), residence: { status: 'current' as const, address: { lines: ['1 New Road'], town: 'Barnet', postcode: 'EN4 8RA' } } };
    const res = await mentor().put(`/episodes/${id}/child`, moved);
    expect(res.status).toBe(200);
    expect(res.body.child.residence.address.postcode).toBe('EN4 8RA');
    expect(res.body.events.map((e: any) => e.event)).toContain('child-updated');
    expect((await cpRecord(res.body.contactPoint.contactPointId)).residence.address.postcode).toBe('EN4 8RA');
    refusal(
      await mentor().put(`/episodes/${id}/child`, { ...moved, dateOfBirth: '2005-01-01' }),
      422,
      'ICS_ERR_ECAF_INVALID',
      'under-18',
      'ECAF-EPISODE-002',
    );
  });
});

describe('assessment', () => {
  it('ECAF-ASSESS-001: elements come from their own domain (the domain/element list is an enum)', async () => {
    const bad = assessment({ elements: [{ domain: 'parents-and-carers', element: 'learning' as never, needs: 'x' }] });
    const res = await mentor().post('/episodes', { ...openBody(10), assessment: bad });
    refusal(res, 422, 'ICS_ERR_VALIDATION', 'enum', 'ECAF-EPISODE-001');
    expect(res.body.errors[0].path).toBe('/assessment/elements/0/element');
    const unknownDomain = assessment({ elements: [{ domain: 'school' as never, element: 'learning' as never, needs: 'x' }] });
    expect((await mentor().post('/episodes', { ...openBody(11), assessment: unknownDomain })).status).toBe(422);
  });

  it('ECAF-ASSESS-002: each element once, with strengths or needs', async () => {
    const twice = assessment({
      elements: [
        { domain: 'development-of-the-child', element: 'learning', needs: 'a' },
        { domain: 'development-of-the-child', element: 'learning', strengths: 'b' },
      ],
    });
    refusal(await mentor().post('/episodes', { ...openBody(12), assessment: twice }), 422, 'ICS_ERR_ECAF_INVALID', 'element-once', 'ECAF-ASSESS-002');
    const empty = assessment({ elements: [{ domain: 'development-of-the-child', element: 'identity' }] });
    refusal(
      await mentor().post('/episodes', { ...openBody(13), assessment: empty }),
      422,
      'ICS_ERR_ECAF_INVALID',
      'strengths-or-needs',
      'ECAF-ASSESS-002',
    );
  });

  it('ECAF-ASSESS-003: an assessment completed in the future is refused', async () => {
    refusal(
      await mentor().post('/episodes', { ...openBody(14), assessment: assessment({ completedOn: '2026-12-01' }) }),
      422,
      'ICS_ERR_DATES',
      'not-in-future',
      'ECAF-ASSESS-003',
    );
  });

  it('ECAF-ASSESS-001: a TAC member replaces the assessment and becomes the contact ContactPoint shows', async () => {
    const id = await openEpisode(srv, 15);
    await mentor().post(`/episodes/${id}/tac`, member('youth', 'youth-service'));
    const res = await as(srv, 'youth').put(`/episodes/${id}/assessment`, assessment({ reasonForAssessment: 'Reassessed after the summer.' }));
    expect(res.status).toBe(200);
    expect(res.body.assessment).toMatchObject({ assessedBy: 'youth', reasonForAssessment: 'Reassessed after the summer.' });
    const cp = await cpRecord(res.body.contactPoint.contactPointId);
    expect(cp.cafIndicator).toMatchObject({ exists: true, status: 'open', assessor: { name: { given: 'youth' } }, completedOn: TODAY });
  });
});

describe('delivery plan and reviews', () => {
  it('ECAF-PLAN-001: an action is carried out by a current TAC member or someone in the family', async () => {
    const id = await openEpisode(srv, 20);
    const action = {
      action: 'Homework club',
      responsible: { kind: 'tac-member', practitionerId: 'nobody' },
      byWhen: '2026-12-18',
      desiredOutcome: 'Homework in on time',
    };
    refusal(await mentor().post(`/episodes/${id}/actions`, action), 422, 'ICS_ERR_ECAF_INVALID', 'responsible-is-member', 'ECAF-PLAN-001');
    const ok = await mentor().post(`/episodes/${id}/actions`, { ...action, responsible: { kind: 'tac-member', practitionerId: 'mentor' } });
    expect(ok.status).toBe(200);
    expect(ok.body.deliveryPlan[0]).toMatchObject({ actionId: 'A1', status: 'not-started', progress: [] });
    const family = await mentor().post(`/episodes/${id}/actions`, {
      ...action,
      action: 'See the GP',
      responsible: { kind: 'family', name: { given: 'Sarah', family: 'Caf' }, relationship: 'parent' },
    });
    expect(family.body.deliveryPlan[1]).toMatchObject({ actionId: 'A2', responsible: { kind: 'family' } });
  });

  it('ECAF-PLAN-002: progress comes from the member responsible or the lead professional, no one else', async () => {
    const id = await openEpisode(srv, 21);
    await mentor().post(`/episodes/${id}/tac`, member('youth', 'youth-service'));
    await mentor().post(`/episodes/${id}/tac`, member('social', 'childrens-social-care', 'social-worker'));
    await mentor().put(`/episodes/${id}/lead-professional`, { practitionerId: 'mentor' });
    await mentor().post(`/episodes/${id}/actions`, {
      action: 'Young carers group',
      responsible: { kind: 'tac-member', practitionerId: 'youth' },
      byWhen: '2026-12-18',
      desiredOutcome: 'Hannah meets other carers',
    });
    const progress = { status: 'in-progress', note: 'Called the group leader' };
    refusal(await as(srv, 'social').post(`/episodes/${id}/actions/A1/progress`, progress), 403, 'ICS_ERR_TAC_ROLE', 'action-owner', 'ECAF-PLAN-002');
    const own = await as(srv, 'youth').post(`/episodes/${id}/actions/A1/progress`, progress);
    expect(own.status).toBe(200);
    expect(own.body.deliveryPlan[0]).toMatchObject({ status: 'in-progress', progress: [{ by: 'youth', note: 'Called the group leader' }] });
    const lead = await mentor().post(`/episodes/${id}/actions/A1/progress`, {
      status: 'done',
      note: 'Attending weekly',
      outcome: 'Goes every Tuesday',
    });
    expect(lead.body.deliveryPlan[0]).toMatchObject({ status: 'done', outcome: 'Goes every Tuesday' });
    refusal(await mentor().post(`/episodes/${id}/actions/A9/progress`, progress), 404, 'ICS_ERR_HTTP_NOT_FOUND', 'action-exists', 'ECAF-PLAN-002');
  });

  it('ECAF-REVIEW-001/002: a review records who was there, next steps, comments and the next review date', async () => {
    const id = await openEpisode(srv, 22);
    const review = {
      date: '2026-11-24',
      peoplePresent: ['Ruby', 'Sarah (mother)', 'Mentor'],
      nextSteps: 'Keep going with the homework club.',
      outcome: { kind: 'next-review', nextReviewOn: '2027-02-16' },
      childComments: 'It is better now.',
      parentComments: 'Thank you.',
    };
    const ok = await mentor().post(`/episodes/${id}/reviews`, review);
    expect(ok.status).toBe(200);
    expect(ok.body.reviews[0]).toMatchObject({ reviewId: 'R1', recordedBy: 'mentor', childComments: 'It is better now.' });
    expect(ok.body.nextReviewOn).toBe('2027-02-16');
    refusal(
      await mentor().post(`/episodes/${id}/reviews`, { ...review, date: '2026-12-24' }),
      422,
      'ICS_ERR_DATES',
      'not-in-future',
      'ECAF-REVIEW-002',
    );
    refusal(
      await mentor().post(`/episodes/${id}/reviews`, { ...review, outcome: { kind: 'next-review', nextReviewOn: '2026-11-01' } }),
      422,
      'ICS_ERR_DATES',
      'next-after-review',
      'ECAF-REVIEW-002',
    );
    const missing = await mentor().post(`/episodes/${id}/reviews`, { ...review, outcome: { kind: 'next-review' } });
    refusal(missing, 422, 'ICS_ERR_VALIDATION', 'required', 'ECAF-REVIEW-001');
    expect(missing.body.errors[0].path).toBe('/outcome/nextReviewOn');
  });
});
