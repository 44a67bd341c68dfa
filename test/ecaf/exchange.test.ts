import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validator } from '../../src/platform/validate.js';
import { ExchangeEpisode } from '../../mocks/ecaf/schemas.js';
import { cafIndicator, involvement } from '../support/messages.js';
import { MAX_BODY_BYTES } from '../../src/platform/http.js';
import { MIGRATION_MAX_BODY_BYTES } from '../../mocks/ecaf/routes.js';
import { as, audit, child, consent, ecafServer, exchangeEpisode, member, openEpisode, refusal, stored, system, type Srv } from './helpers.js';

let srv: Srv;
beforeAll(async () => {
  srv = await ecafServer();
});
afterAll(() => srv.close());

const ics = () => system(srv);

/** The demo ICS records an involvement of its own with the episode's child: the child is on its caseload, so it may export the episode. */
async function onCaseload(episodeId: string): Promise<void> {
  const read = await as(srv, 'mentor').get(`/episodes/${episodeId}`);
  expect(read.status).toBe(200);
  const c = read.body.child;
  const msg = involvement({ child: c, sentAt: '2026-11-24T10:00:00Z' });
  expect((await srv.api.request('POST', '/contactpoint/v1/involvements', { body: msg })).status).toBe(202);
}
const transfer = (episode: unknown, messageId: string = randomUUID(), token = 'demo-ics') =>
  system(srv, token).post('/exchange/transfers', { messageId, episode });
const cpChildren = async () => (await srv.control('GET', '/contactpoint/children')).body.children as any[];
const lookup = async (cpId: string) =>
  (await srv.api.request('GET', `/contactpoint/v1/children/${cpId}`, { token: 'demo-practitioner', headers: { 'practitioner-id': 'check' } })).body;

describe('single-episode transfer in from a local eCAF module', () => {
  it('ECAF-EXCH-001: an accredited system transfers an episode in; TAC members can use it at once', async () => {
    const x = exchangeEpisode(300);
    const res = await transfer(x);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      localRef: x.localRef,
      repeat: false,
      episodeId: expect.stringMatching(/^ECAF\.EP\.2026\./),
      contactPoint: { status: 'accepted' },
    });
    const ep = (await as(srv, 'youth').get(`/episodes/${res.body.episodeId}`)).body;
    expect(ep).toMatchObject({
      origin: { kind: 'transfer', clientId: 'ics', localRef: x.localRef },
      leadProfessional: 'mentor',
      openedAt: '2026-09-01T00:00:00.000Z',
      assessment: { assessedBy: 'mentor', lastUpdatedOn: '2026-09-08' },
      deliveryPlan: [{ actionId: 'A1', status: 'in-progress', progress: [{ by: 'mentor', note: 'Started' }] }],
      reviews: [{ reviewId: 'R1' }],
      nextReviewOn: '2027-01-19',
    });
    expect(ep.events[0]).toMatchObject({ event: 'transferred-in', by: 'client:ics' });
  });

  it('ECAF-EXCH-001: a retry with the same message ID gets the original receipt; a different message under it is refused', async () => {
    const x = exchangeEpisode(301);
    const id = randomUUID();
    const first = await transfer(x, id);
    const before = (await stored(srv)).episodes.length;
    const again = await transfer(x, id);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ episodeId: first.body.episodeId, repeat: true });
    expect((await stored(srv)).episodes.length).toBe(before);
    refusal(await transfer({ ...x, openedOn: '2026-09-02' }, id), 409, 'ICS_ERR_MESSAGE_ID_REUSED', 'message-id-unique', 'ECAF-EXCH-001');
    refusal(await transfer(x), 409, 'ICS_ERR_LIFECYCLE', 'local-ref-once', 'ECAF-EXCH-005');
  });

  it('ECAF-EXCH-001: transfer without consent in force is refused (403) and nothing is stored', async () => {
    const before = await stored(srv);
    const cps = (await cpChildren()).length;
    refusal(await transfer(exchangeEpisode(302, { consents: [] })), 403, 'ICS_ERR_CONSENT_REQUIRED', 'consent-captured', 'ECAF-EXCH-001');
    const withdrawn = exchangeEpisode(303);
    withdrawn.consents[0]!.withdrawnOn = '2026-10-01';
    refusal(await transfer(withdrawn), 403, 'ICS_ERR_CONSENT_REQUIRED', 'consent-captured', 'ECAF-EXCH-001');
    const uncovered = exchangeEpisode(304);
    uncovered.tac.push({ ...member('hsg', 'housing'), joinedOn: '2026-10-01' });
    const res = await transfer(uncovered);
    refusal(res, 403, 'ICS_ERR_CONSENT_REQUIRED', 'consent-covers-agency', 'ECAF-CONSENT-002');
    expect(res.body.errors[0].path).toBe('/episode/tac/2/agency');
    expect(await stored(srv)).toEqual(before);
    expect((await cpChildren()).length).toBe(cps);
  });

  it('ECAF-EXCH-001: only systems permitted ecaf:exchange may transfer', async () => {
    expect((await transfer(exchangeEpisode(305), randomUUID(), 'demo-education')).status).toBe(403);
    expect((await transfer(exchangeEpisode(305), randomUUID(), 'demo-practitioner')).status).toBe(403);
    expect((await transfer(exchangeEpisode(305), randomUUID(), 'demo-ics-neighbour')).status).toBe(201);
  });

  it("ECAF-EXCH-005: references name members of the episode's TAC, and the parts are consistent", async () => {
    const badLead = await transfer(exchangeEpisode(306, { leadProfessional: 'ghost' }));
    refusal(badLead, 422, 'ICS_ERR_ECAF_INVALID', 'lead-is-member', 'ECAF-TAC-003');
    expect(badLead.body.errors[0].path).toBe('/episode/leadProfessional');
    const x = exchangeEpisode(307);
    x.assessment!.assessedBy = 'ghost';
    refusal(await transfer(x), 422, 'ICS_ERR_ECAF_INVALID', 'assessor-is-member', 'ECAF-EXCH-005');
    refusal(await transfer(exchangeEpisode(308, { status: 'closed' })), 422, 'ICS_ERR_ECAF_INVALID', 'closure-with-status', 'ECAF-EXCH-005');
    const twice = exchangeEpisode(309);
    twice.tac.push({ ...twice.tac[1]! });
    refusal(await transfer(twice), 422, 'ICS_ERR_ECAF_INVALID', 'member-once', 'ECAF-TAC-001');
    refusal(await transfer(exchangeEpisode(310, { extra: true } as never)), 422, 'ICS_ERR_VALIDATION', 'unknown-field', 'ECAF-EXCH-001');
  });
});

describe('single-episode export to a local CAF system', () => {
  it('ECAF-EXCH-002: exports the episode in the exchange format; it round-trips into another local system', async () => {
    const id = await openEpisode(srv, 320);
    await as(srv, 'mentor').post(`/episodes/${id}/tac`, member('youth', 'youth-service'));
    await onCaseload(id);
    const res = await ics().post('/exchange/exports', { episodeId: id, destination: { localAuthority: '302', system: 'Barnet local CAF' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ exportId: expect.stringMatching(/^EXP-/), destination: { localAuthority: '302' } });
    expect(validator(ExchangeEpisode)(res.body.episode)).toBe(true);
    expect(res.body.episode).toMatchObject({
      localRef: id,
      status: 'open',
      tac: [{ practitionerId: 'mentor', role: 'episode-coordinator' }, { practitionerId: 'youth' }],
    });
    const after = (await as(srv, 'mentor').get(`/episodes/${id}`)).body;
    expect(after.exports).toEqual([expect.objectContaining({ exportId: res.body.exportId, clientId: 'ics' })]);
    expect(after.events.at(-1)).toMatchObject({ event: 'exported', by: 'client:ics' });
    // The receiving system can send it back (a child moving again) and nothing is lost.
    const back = await transfer(res.body.episode, randomUUID(), 'demo-ics-neighbour');
    expect(back.status).toBe(201);
    const copy = (await as(srv, 'mentor').get(`/episodes/${back.body.episodeId}`)).body;
    expect(copy.assessment).toEqual(after.assessment);
    expect(copy.child).toEqual(after.child);
  });

  it('ECAF-EXCH-002: an episode whose consent was withdrawn is not exported', async () => {
    const id = await openEpisode(srv, 321);
    await onCaseload(id);
    await as(srv, 'mentor').post(`/episodes/${id}/consents/C1/withdrawal`, { withdrawnOn: '2026-11-25' });
    refusal(
      await ics().post('/exchange/exports', { episodeId: id, destination: { localAuthority: '302', system: 'Barnet local CAF' } }),
      403,
      'ICS_ERR_CONSENT_REQUIRED',
      'consent-in-force',
      'ECAF-EXCH-002',
    );
    refusal(
      await ics().post('/exchange/exports', { episodeId: 'ECAF.EP.2026.999999', destination: { localAuthority: '302', system: 'x' } }),
      404,
      'ICS_ERR_HTTP_NOT_FOUND',
      'episode-exists',
      'ECAF-ACCESS-001',
    );
    const audited = await audit(srv, id);
    expect(audited.at(-1)).toMatchObject({ operation: 'exportEpisode', clientId: 'ics', outcome: 'refused', rule: 'consent-in-force' });
  });
});

describe('batch migration from a local eCAF system', () => {
  it('ECAF-EXCH-003: each episode gets its own result; an episode without consent is held, not imported', async () => {
    const good = exchangeEpisode(330);
    const noConsent = exchangeEpisode(331, { consents: [] });
    const bad = { ...exchangeEpisode(332), child: { ...child(332), dateOfBirth: 'yesterday' } };
    const before = (await stored(srv)).episodes.length;
    const res = await ics().post('/exchange/migrations', { batchRef: 'BARNET-MIG-01', episodes: [good, noConsent, bad, good] });
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual({ imported: 1, heldForConsent: 1, alreadyReceived: 1, rejected: 1 });
    const [r0, r1, r2, r3] = res.body.results;
    expect(r0).toMatchObject({ index: 0, localRef: good.localRef, outcome: 'imported', episodeId: expect.any(String) });
    expect(r1).toMatchObject({
      index: 1,
      outcome: 'held-for-consent',
      holdId: expect.stringMatching(/^HOLD-/),
      reasons: ['no consent in force has been captured for this episode'],
    });
    expect(r2).toMatchObject({
      index: 2,
      outcome: 'rejected',
      problem: { status: 422, errors: [{ path: '/episodes/2/child/dateOfBirth', rule: 'format:date', requirement: 'ECAF-EPISODE-002' }] },
    });
    expect(r3).toMatchObject({ index: 3, outcome: 'already-received', episodeId: r0.episodeId });
    const after = await stored(srv);
    expect(after.episodes.length).toBe(before + 1);
    expect(after.held.map((h: any) => h.holdId)).toContain(r1.holdId);
    // The held episode is invisible to practitioners until released.
    expect((await as(srv, 'mentor').get('/episodes')).body.episodes.map((e: any) => e.child.name.family)).not.toContain(noConsent.child.name.family);
  });

  it('ECAF-EXCH-003: a full batch of 500 episodes fits its own body limit, which is larger than the usual 1 MiB', async () => {
    const episodes = Array.from({ length: 500 }, (_, i) => exchangeEpisode(2000 + i));
    const body = JSON.stringify({ batchRef: 'BARNET-MIG-500', episodes });
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_BODY_BYTES);
    const res = await ics().post('/exchange/migrations', { batchRef: 'BARNET-MIG-500', episodes });
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual({ imported: 500, heldForConsent: 0, alreadyReceived: 0, rejected: 0 });
    // Past the migration limit, and past the usual limit on any other operation: 413, nothing stored.
    const before = (await stored(srv)).episodes.length;
    const huge = { batchRef: 'BARNET-MIG-HUGE', episodes: [{ ...exchangeEpisode(2600), padding: 'x'.repeat(MIGRATION_MAX_BODY_BYTES) }] };
    refusal(await ics().post('/exchange/migrations', huge), 413, 'ICS_ERR_HTTP_TOO_LARGE', 'max-body-size', 'ECAF-EXCH-003');
    const bigTransfer = { messageId: randomUUID(), episode: { ...exchangeEpisode(2601), padding: 'x'.repeat(MAX_BODY_BYTES) } };
    refusal(await ics().post('/exchange/transfers', bigTransfer), 413, 'ICS_ERR_HTTP_TOO_LARGE', 'max-body-size', 'ECAF-EXCH-001');
    expect((await stored(srv)).episodes.length).toBe(before);
    // The contract says so, per operation.
    const doc = (await srv.api.request('GET', '/openapi.json', { token: null })).body;
    expect(doc.paths['/ecaf/v1/exchange/migrations'].post['x-max-body-bytes']).toBe(MIGRATION_MAX_BODY_BYTES);
    expect(doc.paths['/ecaf/v1/exchange/transfers'].post['x-max-body-bytes']).toBe(MAX_BODY_BYTES);
  });

  it('ECAF-EXCH-003: the batch itself must be well formed', async () => {
    refusal(await ics().post('/exchange/migrations', { batchRef: 'X', episodes: [] }), 422, 'ICS_ERR_VALIDATION', 'minItems', 'ECAF-EXCH-003');
    refusal(await ics().post('/exchange/migrations', { batchRef: 'X', episodes: [1] }), 422, 'ICS_ERR_VALIDATION', 'type', 'ECAF-EXCH-003');
  });

  it('ECAF-EXCH-004: a held episode is released only once consent covering its TAC is recorded', async () => {
    const x = exchangeEpisode(340, { consents: [] });
    const res = await ics().post('/exchange/migrations', { batchRef: 'BARNET-MIG-02', episodes: [x] });
    const holdId = res.body.results[0].holdId as string;
    expect((await ics().get('/exchange/held')).body.held).toContainEqual(expect.objectContaining({ holdId, status: 'held', releasable: false }));
    refusal(await ics().post(`/exchange/held/${holdId}/release`), 409, 'ICS_ERR_HELD_FOR_CONSENT', 'consent-captured', 'ECAF-EXCH-004');
    // Another system cannot see or touch it.
    expect((await system(srv, 'demo-ics-neighbour').get('/exchange/held')).body.held.map((h: any) => h.holdId)).not.toContain(holdId);
    refusal(await system(srv, 'demo-ics-neighbour').post(`/exchange/held/${holdId}/release`), 404, 'ICS_ERR_NOT_OWNER', 'own-hold', 'ECAF-EXCH-004');
    // Consent that covers only part of the TAC is not enough.
    const partial = await ics().post(`/exchange/held/${holdId}/consents`, consent(['learning-mentor']));
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ releasable: false, reasons: [expect.stringContaining('youth-service')] });
    refusal(await ics().post(`/exchange/held/${holdId}/release`), 409, 'ICS_ERR_HELD_FOR_CONSENT', 'consent-covers-agency', 'ECAF-EXCH-004');
    const full = await ics().post(`/exchange/held/${holdId}/consents`, consent(['youth-service']));
    expect(full.body).toMatchObject({ releasable: true, reasons: [] });
    const released = await ics().post(`/exchange/held/${holdId}/release`);
    expect(released.status).toBe(201);
    expect(released.body).toMatchObject({ status: 'released', episodeId: expect.stringMatching(/^ECAF\.EP\./) });
    const ep = (await as(srv, 'youth').get(`/episodes/${released.body.episodeId}`)).body;
    expect(ep).toMatchObject({ origin: { kind: 'migration', clientId: 'ics', localRef: x.localRef }, contactPoint: { status: 'accepted' } });
    expect(ep.consents).toHaveLength(2);
    refusal(await ics().post(`/exchange/held/${holdId}/release`), 409, 'ICS_ERR_LIFECYCLE', 'hold-held', 'ECAF-EXCH-004');
    refusal(await ics().post(`/exchange/held/${holdId}/consents`, consent(['housing'])), 409, 'ICS_ERR_LIFECYCLE', 'hold-held', 'ECAF-EXCH-004');
    // A repeat of the batch does not import it twice.
    expect((await ics().post('/exchange/migrations', { batchRef: 'BARNET-MIG-02', episodes: [x] })).body.results[0]).toMatchObject({
      outcome: 'already-received',
      episodeId: released.body.episodeId,
    });
  });
});

describe('CAF indicator to ContactPoint', () => {
  it("ECAF-CPIND-001: logging an episode sets the indicator and the assessor's contact, and nothing of the CAF's content", async () => {
    const id = await openEpisode(srv, 350);
    const ep = (await as(srv, 'mentor').get(`/episodes/${id}`)).body;
    const rec = await lookup(ep.contactPoint.contactPointId);
    expect(rec.cafIndicator).toEqual({ exists: true, status: 'open', assessor: ep.tac[0].contact, completedOn: '2026-11-25' });
    const text = JSON.stringify(rec);
    for (const secret of ['Rent arrears', 'Behind in maths', 'Enjoys science', 'Missing school', id]) expect(text).not.toContain(secret);
    expect(rec.involvements).toEqual([]);
  });

  it("ECAF-CPIND-002: a local eCAF system's own indicator and National eCAF's land on one ContactPoint record", async () => {
    const c = child(360);
    const local = await srv.api.request('POST', '/contactpoint/v1/caf-indicators', {
      token: 'demo-ics',
      body: cafIndicator(c, { sentAt: '2026-11-20T10:00:00Z', completedOn: '2026-11-20' }),
    });
    expect(local.status).toBe(202);
    const before = (await cpChildren()).length;
    const x = exchangeEpisode(360, { child: c });
    const moved = await transfer(x);
    expect(moved.body.contactPoint).toMatchObject({ status: 'accepted', contactPointId: local.body.contactPointId });
    expect((await cpChildren()).length).toBe(before);
    // The later message wins: National eCAF's, naming the assessor of the transferred CAF.
    expect((await lookup(local.body.contactPointId)).cafIndicator).toMatchObject({
      status: 'open',
      assessor: { name: { given: 'mentor' } },
      completedOn: '2026-09-08',
    });
  });
});
