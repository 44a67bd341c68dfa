/**
 * Hannah's CAF through its whole life (guidance note 3.1, then 4.2 and 4.3): consent, assessment,
 * TAC, lead professional, the CAF indicator in ContactPoint, referral to social care, transfer of
 * responsibility, stepping down, closure and reopening. One story, so one test, step by step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '../support/server.js';
import { as, audit, refusal, type Srv } from './helpers.js';
import { hannah, hannahInvolvements, hannahPractitioners } from '../../fixtures/hannah.js';
import { hannahCafActions, hannahCafConsents, hannahCafOpenRequest, hannahCafTacMeeting, hannahCafTacMembers } from '../../fixtures/hannah-caf.js';
import { practitionerContact } from '../../fixtures/population.js';

let srv: Srv;
beforeAll(async () => {
  srv = await testServer();
  await srv.control('POST', '/seed', { dataset: 'hannah' });
});
afterAll(() => srv.close());

const { melanie, john, lee, steve, libby } = hannahPractitioners;
const at = (now: string) => srv.control('PUT', '/clock', { now, frozen: true });
const cp = (path: string, who = melanie) =>
  srv.api.request('GET', `/contactpoint/v1${path}`, { token: 'demo-practitioner', headers: { 'practitioner-id': who.id } });

describe("Hannah's CAF", () => {
  it('lives from consent to reopening, with ContactPoint showing that a CAF exists and whom to contact', async () => {
    // 2 November 2009: Melanie finds Hannah on ContactPoint. No CAF yet; Lee and the duty team are listed.
    await at('2009-11-02T10:00:00Z');
    const found = await cp(`/children?familyName=Carter&givenName=Hannah&dateOfBirth=${hannah.identity.dateOfBirth}`);
    expect(found.body.results).toHaveLength(1);
    const cpId = found.body.results[0].contactPointId as string;
    const before = (await cp(`/children/${cpId}`)).body;
    expect(before.cafIndicator).toBeUndefined();
    expect(before.involvements.map((i: any) => i.service).sort()).toEqual(['childrens-social-care', 'learning-mentor', 'youth-service']);

    // 9 November: with Hannah's consent (given on the 3rd), Melanie records the common assessment on National eCAF.
    await at('2009-11-09T16:00:00Z');
    const opened = await as(srv, melanie.id).post('/episodes', hannahCafOpenRequest);
    expect(opened.status).toBe(201);
    const id = opened.body.episodeId as string;
    expect(opened.body).toMatchObject({
      status: 'open',
      consents: [{ givenBy: { role: 'child', name: { given: 'Hannah' } }, givenOn: '2009-11-03', involveParentsCarers: true }],
      tac: [{ practitionerId: melanie.id, role: 'episode-coordinator', agency: 'learning-mentor' }],
      assessment: { assessedBy: melanie.id, completedOn: '2009-11-09' },
      contactPoint: { status: 'accepted', contactPointId: cpId },
    });
    expect(new Set(opened.body.assessment.elements.map((e: any) => e.domain)).size).toBe(3);

    // ContactPoint is updated at once: a CAF exists, and Melanie is the one to contact. Nothing of its content.
    const withCaf = (await cp(`/children/${cpId}`, lee)).body;
    expect(withCaf.cafIndicator).toEqual({ exists: true, status: 'open', assessor: practitionerContact(melanie), completedOn: '2009-11-09' });
    expect(JSON.stringify(withCaf)).not.toMatch(/arrears|bills|young carer|schoolwork|illness|falling behind/i);
    expect(
      (await srv.control('GET', '/contactpoint/children')).body.children.filter(
        (c: any) => c.identity.name.family === 'Carter' && c.identity.name.given === 'Hannah',
      ),
    ).toHaveLength(1);

    // Lee is not on the team yet: no access.
    refusal(await as(srv, lee.id).get(`/episodes/${id}`), 403, 'ICS_ERR_NOT_TAC_MEMBER', 'tac-member', 'ECAF-ACCESS-001');

    // 16 November, the TAC meeting. Steve from Housing joins only once Hannah consents to housing.
    await at('2009-11-16T15:00:00Z');
    refusal(
      await as(srv, melanie.id).post(`/episodes/${id}/tac`, hannahCafTacMembers.steve),
      403,
      'ICS_ERR_CONSENT_REQUIRED',
      'consent-covers-agency',
      'ECAF-CONSENT-002',
    );
    expect((await as(srv, melanie.id).post(`/episodes/${id}/consents`, hannahCafConsents.teamAroundTheChild)).status).toBe(200);
    expect((await as(srv, melanie.id).post(`/episodes/${id}/tac`, hannahCafTacMembers.lee)).status).toBe(200);
    expect((await as(srv, melanie.id).post(`/episodes/${id}/tac`, hannahCafTacMembers.steve)).status).toBe(200);
    // Hannah asks for Melanie as her lead professional; the team agree.
    expect((await as(srv, melanie.id).put(`/episodes/${id}/lead-professional`, { practitionerId: melanie.id })).body.leadProfessional).toBe(
      melanie.id,
    );
    const { libbyYoungCarersSupport, ...agreed } = hannahCafActions;
    for (const action of Object.values(agreed)) expect((await as(srv, melanie.id).post(`/episodes/${id}/actions`, action)).status).toBe(200);
    const meeting = await as(srv, melanie.id).post(`/episodes/${id}/reviews`, hannahCafTacMeeting);
    expect(meeting.body).toMatchObject({ nextReviewOn: '2010-02-16', leadProfessional: melanie.id });
    expect(meeting.body.deliveryPlan.map((a: any) => a.responsible.practitionerId ?? a.responsible.relationship)).toEqual([
      melanie.id,
      melanie.id,
      lee.id,
      steve.id,
      steve.id,
      'parent',
    ]);
    // Melanie records the lead professional on ContactPoint through her school's own system.
    await at(hannahInvolvements.melanieLeadProfessional.sentAt);
    expect(
      (await srv.api.request('POST', '/contactpoint/v1/involvements', { token: 'demo-education', body: hannahInvolvements.melanieLeadProfessional }))
        .status,
    ).toBe(202);
    expect((await cp(`/children/${cpId}`, steve)).body).toMatchObject({
      leadProfessional: { name: { given: 'Melanie' } },
      cafIndicator: { status: 'open' },
    });

    // 27 November: Lee updates his own action from his CAF access; Steve's actions are Steve's.
    await at('2009-11-27T11:00:00Z');
    const plan = (await as(srv, lee.id).get(`/episodes/${id}`)).body.deliveryPlan as any[];
    const leeAction = plan.find((a) => a.responsible.practitionerId === lee.id).actionId;
    const steveAction = plan.find((a) => a.responsible.practitionerId === steve.id).actionId;
    const progress = await as(srv, lee.id).post(`/episodes/${id}/actions/${leeAction}/progress`, {
      status: 'done',
      note: "Young Carer's Assessment arranged through children's social services; Libby's group has a place.",
      outcome: 'Hannah joins the young carers group on 30 November',
    });
    expect(progress.status).toBe(200);
    refusal(
      await as(srv, lee.id).post(`/episodes/${id}/actions/${steveAction}/progress`, { status: 'done', note: 'x' }),
      403,
      'ICS_ERR_TAC_ROLE',
      'action-owner',
      'ECAF-PLAN-002',
    );
    const msg = await as(srv, melanie.id).post(`/episodes/${id}/messages`, {
      to: [lee.id, steve.id],
      subject: 'Keeping in touch',
      body: 'Please keep your actions up to date on National eCAF before the review in February.',
    });
    expect(msg.status).toBe(201);
    expect((await as(srv, steve.id).get(`/episodes/${id}/messages`)).body.messages).toHaveLength(1);

    // 30 November: with Hannah's consent, Libby from the young carers group is given access.
    await at('2009-11-30T14:00:00Z');
    refusal(
      await as(srv, melanie.id).post(`/episodes/${id}/tac`, hannahCafTacMembers.libby),
      403,
      'ICS_ERR_CONSENT_REQUIRED',
      'consent-covers-agency',
      'ECAF-CONSENT-002',
    );
    await as(srv, melanie.id).post(`/episodes/${id}/consents`, hannahCafConsents.youngCarers);
    expect((await as(srv, melanie.id).post(`/episodes/${id}/tac`, hannahCafTacMembers.libby)).status).toBe(200);
    expect((await as(srv, libby.id).post(`/episodes/${id}/actions`, libbyYoungCarersSupport)).status).toBe(200);
    expect((await as(srv, libby.id).get(`/episodes/${id}`)).body.assessment.elements.length).toBe(11);

    // 11 January 2010: things at home get worse; Melanie refers to social care ("stepping up"). The CAF stays
    // and John, the social worker, joins the TAC so he can read it.
    await at('2010-01-11T10:00:00Z');
    const referral = {
      note: "Hannah's mother has been admitted to hospital; the children need a social work assessment.",
      socialCareMember: { practitionerId: john.id, contact: practitionerContact(john), agency: 'childrens-social-care', role: 'social-worker' },
    };
    const referred = await as(srv, melanie.id).post(`/episodes/${id}/social-care-referral`, referral);
    expect(referred.body).toMatchObject({ status: 'open', socialCare: { state: 'referred', referredBy: melanie.id } });
    expect((await as(srv, john.id).get(`/episodes/${id}`)).body.assessment.assessedBy).toBe(melanie.id);

    // 18 January: social care takes the case on; the CAF stays open, marked as social care's responsibility.
    await at('2010-01-18T10:00:00Z');
    refusal(
      await as(srv, melanie.id).post(`/episodes/${id}/social-care-responsibility`, { note: 'x' }),
      403,
      'ICS_ERR_TAC_ROLE',
      'social-care-member',
      'ECAF-STEP-002',
    );
    const marked = await as(srv, john.id).post(`/episodes/${id}/social-care-responsibility`, {
      note: "Responsibility for this case has transferred to children's social care (John Mitchell).",
    });
    expect(marked.body).toMatchObject({ status: 'open', socialCareResponsibility: true });
    expect((await cp(`/children/${cpId}`)).body.cafIndicator.status).toBe('open');

    // 12 April: the social work is done, with additional needs outstanding: John steps down to Melanie and leaves.
    await at('2010-04-12T10:00:00Z');
    const down = await as(srv, john.id).post(`/episodes/${id}/step-down`, {
      leadProfessional: melanie.id,
      note: 'Children in need plan complete; the CAF continues with Melanie as lead professional.',
      socialCareLeaves: true,
    });
    expect(down.body).toMatchObject({
      status: 'open',
      leadProfessional: melanie.id,
      socialCareResponsibility: false,
      socialCare: { state: 'stepped-down' },
    });
    refusal(await as(srv, john.id).get(`/episodes/${id}`), 403, 'ICS_ERR_NOT_TAC_MEMBER', 'tac-member', 'ECAF-ACCESS-001');

    // 14 June: the review finds the needs met. Recommending closure closes nothing; Melanie closes the episode.
    await at('2010-06-14T10:00:00Z');
    const review = await as(srv, melanie.id).post(`/episodes/${id}/reviews`, {
      date: '2010-06-14',
      peoplePresent: ['Hannah Carter', 'Karen Carter (mother)', 'Melanie Hughes (lead professional)', 'Libby Grant (young carers worker)'],
      nextSteps: 'Close the CAF; Hannah keeps going to the young carers group.',
      outcome: { kind: 'closure-recommended', reason: 'needs-met' },
      childComments: "I'm much happier now.",
    });
    expect(review.body.status).toBe('open');
    const closed = await as(srv, melanie.id).post(`/episodes/${id}/closure`, { reason: 'needs-met' });
    expect(closed.body.status).toBe('closed');
    expect((await cp(`/children/${cpId}`)).body.cafIndicator).toMatchObject({ status: 'closed', assessor: practitionerContact(melanie) });
    refusal(
      await as(srv, melanie.id).post(`/episodes/${id}/closure`, { reason: 'needs-met' }),
      409,
      'ICS_ERR_LIFECYCLE',
      'episode-open',
      'ECAF-LIFE-001',
    );

    // 4 October: her mother is unwell again and Hannah is struggling: the episode reopens.
    await at('2010-10-04T10:00:00Z');
    const reopened = await as(srv, melanie.id).post(`/episodes/${id}/reopening`, {
      reason: "Hannah's mother is unwell again; Hannah is missing lessons.",
    });
    expect(reopened.body).toMatchObject({ status: 'open', openSince: '2010-10-04T10:00:00.000Z', leadProfessional: melanie.id });
    expect((await cp(`/children/${cpId}`)).body.cafIndicator.status).toBe('open');
    expect(reopened.body.events.map((e: any) => e.event)).toEqual(
      expect.arrayContaining([
        'opened',
        'consent-recorded',
        'tac-joined',
        'lead-professional',
        'referred-to-social-care',
        'social-care-responsibility',
        'stepped-down',
        'closed',
        'reopened',
      ]),
    );

    // The management report counts from the reopening, so only a long-open period shows.
    const report = (days: number) => srv.api.request('GET', `/ecaf/v1/reports/long-open-episodes?olderThanDays=${days}`, { token: 'demo-la-admin' });
    expect((await report(30)).body.episodes).toEqual([]);
    await at('2011-01-10T10:00:00Z');
    expect((await report(90)).body.episodes).toEqual([
      expect.objectContaining({ episodeId: id, daysOpen: 98, leadProfessional: practitionerContact(melanie) }),
    ]);

    // Every access was audited, granted or refused, practitioner by practitioner.
    const entries = await audit(srv, id);
    const who = new Set(entries.filter((e) => e.outcome === 'granted').map((e) => e.practitionerId));
    for (const p of [melanie, lee, steve, libby, john]) expect(who.has(p.id)).toBe(true);
    expect(entries.filter((e) => e.outcome === 'refused').map((e) => [e.practitionerId, e.rule])).toEqual([
      [lee.id, 'tac-member'],
      [melanie.id, 'consent-covers-agency'],
      [lee.id, 'action-owner'],
      [melanie.id, 'consent-covers-agency'],
      [melanie.id, 'social-care-member'],
      [john.id, 'tac-member'],
      [melanie.id, 'episode-open'],
    ]);
  });
});
