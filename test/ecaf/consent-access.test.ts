import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, assessment, audit, consent, contact, ecafServer, member, openBody, openEpisode, refusal, stored, type Srv } from './helpers.js';

let srv: Srv;
beforeAll(async () => {
  srv = await ecafServer();
});
afterAll(() => srv.close());

const mentor = () => as(srv, 'mentor');

describe('consent', () => {
  it("ECAF-CONSENT-001: an episode is opened only with consent covering the opening practitioner's agency", async () => {
    const before = (await stored(srv)).episodes.length;
    const res = await mentor().post('/episodes', openBody(100, { agencies: ['youth-service'] }));
    refusal(res, 403, 'ICS_ERR_CONSENT_REQUIRED', 'consent-covers-agency', 'ECAF-CONSENT-001');
    expect((await stored(srv)).episodes.length).toBe(before);
    expect((await mentor().post('/episodes', openBody(100, { agencies: ['learning-mentor'] }))).status).toBe(201);
  });

  it('ECAF-CONSENT-002: a TAC member joins only when consent in force covers their agency', async () => {
    const id = await openEpisode(srv, 101, { agencies: ['learning-mentor'] });
    const res = await mentor().post(`/episodes/${id}/tac`, member('housing-officer', 'housing'));
    refusal(res, 403, 'ICS_ERR_CONSENT_REQUIRED', 'consent-covers-agency', 'ECAF-CONSENT-002');
    expect(res.body.errors[0].path).toBe('/agency');
    expect((await as(srv, 'housing-officer').get(`/episodes/${id}`)).status).toBe(403);
    const c = await mentor().post(`/episodes/${id}/consents`, consent(['housing'], { givenOn: '2026-11-25' }));
    expect(c.status).toBe(200);
    expect(c.body.consents.map((x: any) => x.consentId)).toEqual(['C1', 'C2']);
    const ok = await mentor().post(`/episodes/${id}/tac`, member('housing-officer', 'housing'));
    expect(ok.status).toBe(200);
    expect((await as(srv, 'housing-officer').get(`/episodes/${id}`)).status).toBe(200);
  });

  it('ECAF-CONSENT-003: withdrawn consent removes access at once; new consent restores it', async () => {
    const id = await openEpisode(srv, 102, { agencies: ['learning-mentor', 'youth-service'] });
    await mentor().post(`/episodes/${id}/tac`, member('youth', 'youth-service'));
    expect((await as(srv, 'youth').get(`/episodes/${id}`)).status).toBe(200);
    const w = await mentor().post(`/episodes/${id}/consents/C1/withdrawal`, {
      withdrawnOn: '2026-11-25',
      note: 'Family no longer wish to take part',
    });
    expect(w.status).toBe(200);
    expect(w.body.consents[0].withdrawal).toMatchObject({ withdrawnOn: '2026-11-25', recordedBy: 'mentor' });
    expect(w.body.withheld).toEqual(['assessment', 'delivery-plan', 'reviews']);
    expect(w.body.assessment).toBeUndefined();
    refusal(await as(srv, 'youth').get(`/episodes/${id}`), 403, 'ICS_ERR_CONSENT_REQUIRED', 'consent-in-force', 'ECAF-CONSENT-003');
    refusal(await mentor().get(`/episodes/${id}`), 403, 'ICS_ERR_CONSENT_REQUIRED', 'consent-in-force', 'ECAF-CONSENT-003');
    refusal(
      await mentor().put(`/episodes/${id}/lead-professional`, { practitionerId: 'mentor' }),
      403,
      'ICS_ERR_CONSENT_REQUIRED',
      'consent-in-force',
      'ECAF-CONSENT-003',
    );
    expect((await mentor().get('/episodes')).body.episodes.map((e: any) => e.episodeId)).not.toContain(id);
    // Consent given again brings back only the agencies it names.
    await mentor().post(`/episodes/${id}/consents`, consent(['learning-mentor'], { givenOn: '2026-11-25' }));
    expect((await mentor().get(`/episodes/${id}`)).status).toBe(200);
    expect((await as(srv, 'youth').get(`/episodes/${id}`)).status).toBe(403);
  });

  it('ECAF-CONSENT-004: consent is dated by today, names each agency once, and is withdrawn once', async () => {
    const id = await openEpisode(srv, 103);
    refusal(
      await mentor().post(`/episodes/${id}/consents`, consent(['housing'], { givenOn: '2026-12-01' })),
      422,
      'ICS_ERR_DATES',
      'not-in-future',
      'ECAF-CONSENT-004',
    );
    refusal(
      await mentor().post(`/episodes/${id}/consents`, consent(['housing', 'housing'])),
      422,
      'ICS_ERR_ECAF_INVALID',
      'agency-once',
      'ECAF-CONSENT-004',
    );
    const badGiver = await mentor().post(`/episodes/${id}/consents`, {
      ...consent(['housing']),
      givenBy: { role: 'teacher', name: { given: 'A', family: 'B' } },
    });
    refusal(badGiver, 422, 'ICS_ERR_VALIDATION', 'enum', 'ECAF-CONSENT-004');
    refusal(
      await mentor().post(`/episodes/${id}/consents/C1/withdrawal`, { withdrawnOn: '2026-11-01' }),
      422,
      'ICS_ERR_DATES',
      'after-given',
      'ECAF-CONSENT-004',
    );
    expect((await mentor().post(`/episodes/${id}/consents/C1/withdrawal`, { withdrawnOn: '2026-11-25' })).status).toBe(200);
    refusal(
      await mentor().post(`/episodes/${id}/consents/C1/withdrawal`, { withdrawnOn: '2026-11-25' }),
      409,
      'ICS_ERR_LIFECYCLE',
      'consent-in-force',
      'ECAF-CONSENT-004',
    );
    refusal(
      await mentor().post(`/episodes/${id}/consents/C7/withdrawal`, { withdrawnOn: '2026-11-25' }),
      404,
      'ICS_ERR_HTTP_NOT_FOUND',
      'consent-exists',
      'ECAF-CONSENT-004',
    );
  });

  it('ECAF-CONSENT-005: an agency sees and changes only the parts of the CAF consent shares with it', async () => {
    const id = await openEpisode(srv, 104, { agencies: ['learning-mentor'] });
    await mentor().post(`/episodes/${id}/consents`, consent(['housing'], { givenOn: '2026-11-25' }, ['delivery-plan']));
    await mentor().post(`/episodes/${id}/tac`, member('housing-officer', 'housing'));
    const seen = await as(srv, 'housing-officer').get(`/episodes/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.withheld).toEqual(['assessment', 'reviews']);
    expect(seen.body.assessment).toBeUndefined();
    expect(seen.body.reviews).toBeUndefined();
    expect(seen.body.deliveryPlan).toEqual([]);
    const action = {
      action: 'Benefits check',
      responsible: { kind: 'tac-member', practitionerId: 'housing-officer' },
      byWhen: '2026-12-18',
      desiredOutcome: 'Bills paid',
    };
    expect((await as(srv, 'housing-officer').post(`/episodes/${id}/actions`, action)).status).toBe(200);
    refusal(
      await as(srv, 'housing-officer').put(`/episodes/${id}/assessment`, assessment()),
      403,
      'ICS_ERR_CONSENT_REQUIRED',
      'consent-covers-information',
      'ECAF-CONSENT-005',
    );
    expect((await mentor().put(`/episodes/${id}/assessment`, assessment())).status).toBe(200);
  });
});

describe('access', () => {
  it('ECAF-ACCESS-001: only current TAC members see an episode; others get 403 naming the rule', async () => {
    const id = await openEpisode(srv, 110);
    refusal(await as(srv, 'stranger').get(`/episodes/${id}`), 403, 'ICS_ERR_NOT_TAC_MEMBER', 'tac-member', 'ECAF-ACCESS-001');
    refusal(
      await as(srv, 'stranger').post(`/episodes/${id}/tac`, member('stranger', 'learning-mentor')),
      403,
      'ICS_ERR_NOT_TAC_MEMBER',
      'tac-member',
      'ECAF-ACCESS-001',
    );
    expect((await mentor().get(`/episodes/${id}`)).status).toBe(200);
    // An episode that does not exist is refused as one the practitioner is not on: IDs cannot be probed.
    refusal(await mentor().get('/episodes/ECAF.EP.2026.999999'), 403, 'ICS_ERR_NOT_TAC_MEMBER', 'tac-member', 'ECAF-ACCESS-001');
    const mine = await mentor().get('/episodes');
    expect(mine.body.episodes).toContainEqual(expect.objectContaining({ episodeId: id, myRole: 'episode-coordinator', status: 'open' }));
    expect((await as(srv, 'stranger').get('/episodes')).body.episodes).toEqual([]);
  });

  it('SEC-AUTH-002: eCAF needs the ecaf:practitioner permission and a Practitioner-Id', async () => {
    const id = await openEpisode(srv, 111);
    expect((await as(srv, 'mentor', 'demo-ics').get(`/episodes/${id}`)).status).toBe(403);
    expect((await as(srv, 'mentor', 'demo-la-admin').get(`/episodes/${id}`)).status).toBe(403);
    const noHeader = await srv.api.request('GET', `/ecaf/v1/episodes/${id}`, { token: 'demo-practitioner' });
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.errors[0]).toMatchObject({ path: 'header:practitioner-id', rule: 'practitioner-identity' });
  });

  it('ECAF-AUDIT-001: every access to an episode is audited, granted or refused, with the rule', async () => {
    const id = await openEpisode(srv, 112, { agencies: ['learning-mentor'] });
    await mentor().get(`/episodes/${id}`);
    await as(srv, 'stranger').get(`/episodes/${id}`);
    await mentor().post(`/episodes/${id}/tac`, member('housing-officer', 'housing'));
    const entries = await audit(srv, id);
    expect(entries.map((e) => [e.operation, e.practitionerId, e.outcome, e.rule ?? null])).toEqual([
      ['openEpisode', 'mentor', 'granted', null],
      ['getEpisode', 'mentor', 'granted', null],
      ['getEpisode', 'stranger', 'refused', 'tac-member'],
      ['addTacMember', 'mentor', 'refused', 'consent-covers-agency'],
    ]);
    expect(entries[2]).toMatchObject({ clientId: 'practitioner', status: 403, requirement: 'ECAF-ACCESS-001' });
    await mentor().post('/episodes', openBody(113, { agencies: ['youth-service'] }));
    const all = await audit(srv);
    // Refusals before anything was stored are audited too, without an episode.
    expect(all.some((e) => e.operation === 'openEpisode' && e.outcome === 'refused' && e.rule === 'consent-covers-agency' && !e.episodeId)).toBe(
      true,
    );
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b));
  });
});

describe('Team Around the Child', () => {
  it('ECAF-TAC-001: a practitioner is on the TAC once', async () => {
    const id = await openEpisode(srv, 120);
    await mentor().post(`/episodes/${id}/tac`, member('youth', 'youth-service'));
    refusal(await mentor().post(`/episodes/${id}/tac`, member('youth', 'youth-service')), 409, 'ICS_ERR_LIFECYCLE', 'member-once', 'ECAF-TAC-001');
    refusal(
      await mentor().post(`/episodes/${id}/tac`, { ...member('coord', 'youth-service'), role: 'episode-coordinator' }),
      422,
      'ICS_ERR_VALIDATION',
      'enum',
      'ECAF-CONSENT-002',
    );
  });

  it("ECAF-TAC-002: social-worker and social-care-representative roles belong to children's social care", async () => {
    const id = await openEpisode(srv, 121);
    refusal(
      await mentor().post(`/episodes/${id}/tac`, member('sw', 'youth-service', 'social-worker')),
      422,
      'ICS_ERR_ECAF_INVALID',
      'social-care-role',
      'ECAF-TAC-002',
    );
    expect((await mentor().post(`/episodes/${id}/tac`, member('sw', 'childrens-social-care', 'social-worker'))).status).toBe(200);
  });

  it('ECAF-TAC-003: the lead professional is a current member; neither the lead nor the last member can leave', async () => {
    const id = await openEpisode(srv, 122);
    refusal(
      await mentor().put(`/episodes/${id}/lead-professional`, { practitionerId: 'youth' }),
      422,
      'ICS_ERR_ECAF_INVALID',
      'lead-is-member',
      'ECAF-TAC-003',
    );
    refusal(await mentor().del(`/episodes/${id}/tac/mentor`), 409, 'ICS_ERR_LIFECYCLE', 'last-member', 'ECAF-TAC-003');
    await mentor().post(`/episodes/${id}/tac`, member('youth', 'youth-service'));
    const lead = await mentor().put(`/episodes/${id}/lead-professional`, { practitionerId: 'youth' });
    expect(lead.status).toBe(200);
    expect(lead.body.leadProfessional).toBe('youth');
    refusal(await as(srv, 'youth').del(`/episodes/${id}/tac/youth`), 409, 'ICS_ERR_LIFECYCLE', 'lead-professional-stays', 'ECAF-TAC-003');
  });

  it('ECAF-TAC-004: contact details carry no case information (they are what ContactPoint shows)', async () => {
    const id = await openEpisode(srv, 123);
    const bad = {
      ...member('youth', 'youth-service'),
      contact: { ...contact('youth', 'youth-service'), role: 'Worker - referred because of neglect' },
    };
    refusal(await mentor().post(`/episodes/${id}/tac`, bad), 422, 'ICS_ERR_ECAF_INVALID', 'case-information', 'ECAF-TAC-004');
    const open = openBody(124);
    refusal(
      await mentor().post('/episodes', {
        ...open,
        practitioner: { ...open.practitioner, contact: { ...contact('mentor', 'learning-mentor'), organisation: 'Diagnosis unit' } },
      }),
      422,
      'ICS_ERR_ECAF_INVALID',
      'case-information',
      'ECAF-TAC-004',
    );
  });

  it('ECAF-TAC-005: members leave themselves or are removed by the lead; former members lose access', async () => {
    const id = await openEpisode(srv, 125);
    await mentor().post(`/episodes/${id}/tac`, member('youth', 'youth-service'));
    await mentor().post(`/episodes/${id}/tac`, member('sw', 'childrens-social-care', 'social-worker'));
    refusal(await as(srv, 'youth').del(`/episodes/${id}/tac/sw`), 403, 'ICS_ERR_TAC_ROLE', 'lead-removes-members', 'ECAF-TAC-005');
    expect((await as(srv, 'youth').del(`/episodes/${id}/tac/youth`)).status).toBe(200);
    refusal(await as(srv, 'youth').get(`/episodes/${id}`), 403, 'ICS_ERR_NOT_TAC_MEMBER', 'tac-member', 'ECAF-ACCESS-001');
    const removed = await mentor().del(`/episodes/${id}/tac/sw`);
    expect(removed.status).toBe(200);
    expect(removed.body.tac.filter((m: any) => !m.leftAt).map((m: any) => m.practitionerId)).toEqual(['mentor']);
    expect(removed.body.tac.find((m: any) => m.practitionerId === 'sw')).toMatchObject({ leftAt: expect.any(String), removedBy: 'mentor' });
    refusal(await mentor().del(`/episodes/${id}/tac/youth`), 404, 'ICS_ERR_HTTP_NOT_FOUND', 'tac-member', 'ECAF-TAC-005');
  });
});

describe('messages', () => {
  it('ECAF-MSG-001: messages go between current TAC members; each reads those sent to or by them', async () => {
    const id = await openEpisode(srv, 130);
    await mentor().post(`/episodes/${id}/tac`, member('youth', 'youth-service'));
    await mentor().post(`/episodes/${id}/tac`, member('sw', 'childrens-social-care', 'social-worker'));
    refusal(
      await mentor().post(`/episodes/${id}/messages`, { to: ['stranger'], subject: 'Hello', body: 'About Ruby' }),
      422,
      'ICS_ERR_ECAF_INVALID',
      'recipient-tac-member',
      'ECAF-MSG-001',
    );
    refusal(
      await as(srv, 'stranger').post(`/episodes/${id}/messages`, { to: ['mentor'], subject: 'Hello', body: 'x' }),
      403,
      'ICS_ERR_NOT_TAC_MEMBER',
      'tac-member',
      'ECAF-ACCESS-001',
    );
    const sent = await mentor().post(`/episodes/${id}/messages`, {
      to: ['youth'],
      subject: 'Young carers group',
      body: 'Can you contact the group this week?',
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ messageId: 'MSG-1', from: 'mentor', to: ['youth'] });
    expect((await as(srv, 'youth').get(`/episodes/${id}/messages`)).body.messages).toHaveLength(1);
    expect((await as(srv, 'sw').get(`/episodes/${id}/messages`)).body.messages).toHaveLength(0);
    // A recipient whose agency consent no longer covers is refused.
    await mentor().post(`/episodes/${id}/consents/C1/withdrawal`, { withdrawnOn: '2026-11-25' });
    await mentor().post(`/episodes/${id}/consents`, consent(['learning-mentor'], { givenOn: '2026-11-25' }));
    refusal(
      await mentor().post(`/episodes/${id}/messages`, { to: ['youth'], subject: 'x', body: 'y' }),
      403,
      'ICS_ERR_CONSENT_REQUIRED',
      'consent-covers-agency',
      'ECAF-MSG-001',
    );
  });
});
