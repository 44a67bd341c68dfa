import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '../support/server.js';
import { cafIndicator, involvement, testNhs } from '../support/messages.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
  await srv.control('PUT', '/clock', { now: '2026-11-25T09:00:00Z' });
});
afterAll(() => srv.close());

const post = (body: unknown, token = 'demo-ics') => srv.api.request('POST', '/contactpoint/v1/involvements', { body, token });
const lookup = (path: string, token = 'demo-practitioner', practitioner: string | null = 'P-MELANIE') =>
  srv.api.request('GET', `/contactpoint/v1${path}`, { token, headers: practitioner ? { 'practitioner-id': practitioner } : {} });

describe('lookups', () => {
  it('CP-LOOKUP-001/002: search by name, date of birth, postcode and read the record with contacts, lead professional and CAF indicator', async () => {
    const msg = involvement({
      child: { identifiers: { nhsNumber: testNhs(400) }, name: { given: 'Hannah', family: 'Lookup' } },
      involvement: { leadProfessional: true },
    });
    const { body: receipt } = await post(msg);
    await srv.api.request('POST', '/contactpoint/v1/caf-indicators', { body: cafIndicator(msg.child) });
    const found = await lookup('/children?familyName=Lookup&dateOfBirth=2014-05-02');
    expect(found.status).toBe(200);
    expect(found.body.results).toEqual([expect.objectContaining({ contactPointId: receipt.contactPointId, postcode: 'EN5 1QA', shielded: false })]);
    expect((await lookup('/children?familyName=Lookup&postcode=EN5%201QA')).body.results).toHaveLength(1);
    const rec = await lookup(`/children/${receipt.contactPointId}`);
    expect(rec.status).toBe(200);
    expect(rec.body.involvements).toEqual([expect.objectContaining({ service: 'childrens-social-care', leadProfessional: true })]);
    expect(rec.body.leadProfessional).toMatchObject({ kind: 'team', teamName: 'Duty and Assessment Team' });
    expect(rec.body.cafIndicator).toMatchObject({ exists: true, assessor: { name: { given: 'Melanie' } } });
    expect(rec.body.parentsCarers[0].contact.phone).toBe('020 7946 0101');
    // Identifiers are visible only to the body that supplied them; the portal supplied none.
    expect(rec.body.identifiers).toBeUndefined();
  });

  it('CP-LOOKUP-001: a search needs at least two criteria', async () => {
    const res = await lookup('/children?familyName=Lookup');
    expect(res.status).toBe(422);
    expect(res.body.errors[0].rule).toBe('minProperties');
  });

  it('CP-LOOKUP-003: an ended involvement stays visible for one year after its end date, then drops out', async () => {
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(401) } }, involvement: { startDate: '2025-01-01', endDate: '2025-12-01' } });
    const { body: receipt } = await post(msg);
    expect((await lookup(`/children/${receipt.contactPointId}`)).body.involvements).toHaveLength(1);
    await srv.control('PUT', '/clock', { now: '2026-12-02T09:00:00Z' });
    expect((await lookup(`/children/${receipt.contactPointId}`)).body.involvements).toHaveLength(0);
    await srv.control('PUT', '/clock', { now: '2026-11-25T09:00:00Z' });
  });

  it('CP-FEED-006: sensitive services are hidden from ordinary lookups', async () => {
    const msg = involvement({
      child: { identifiers: { nhsNumber: testNhs(402) } },
      involvement: { service: 'sexual-health', sensitiveBasis: 'consent' },
    });
    const { body: receipt } = await post(msg);
    expect((await lookup(`/children/${receipt.contactPointId}`)).body.involvements).toHaveLength(0);
    expect((await lookup(`/children/${receipt.contactPointId}`, 'demo-la-admin')).body.involvements).toHaveLength(1);
  });

  it('CP-LOOKUP-004: a shielded record is found only on visible fields and shows the restricted view', async () => {
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(403) }, name: { given: 'Safe', family: 'Shield' } } });
    const { body: receipt } = await post(msg);
    const shield = await srv.api.request('PUT', `/contactpoint/v1/children/${receipt.contactPointId}/shielding`, {
      token: 'demo-la-admin',
      body: { messageId: crypto.randomUUID(), shielded: true },
    });
    expect(shield.status).toBe(200);
    expect((await lookup('/children?familyName=Shield&postcode=EN5%201QA')).body.results).toHaveLength(0);
    const byVisible = await lookup('/children?familyName=Shield&dateOfBirth=2014-05-02');
    expect(byVisible.body.results).toEqual([expect.objectContaining({ shielded: true })]);
    expect(byVisible.body.results[0].postcode).toBeUndefined();
    const rec = await lookup(`/children/${receipt.contactPointId}`);
    expect(rec.body).toEqual({
      contactPointId: receipt.contactPointId,
      shielded: true,
      name: msg.child.name,
      gender: 'female',
      dateOfBirth: '2014-05-02',
      parentNames: [{ given: 'Claire', family: 'Hart' }],
    });
    expect(
      (
        await srv.api.request('PUT', `/contactpoint/v1/children/${receipt.contactPointId}/shielding`, {
          token: 'demo-ics',
          body: { messageId: crypto.randomUUID(), shielded: false },
        })
      ).status,
    ).toBe(403);
  });

  it('CP-LOOKUP-005/006: every lookup is audited with the practitioner; a lookup without one is refused', async () => {
    const before = (await srv.control('GET', '/contactpoint/audit')).body.entries.length;
    await lookup('/children?familyName=Lookup&givenName=Hannah', 'demo-practitioner', 'P-AUDIT');
    const entries = (await srv.control('GET', '/contactpoint/audit')).body.entries;
    expect(entries.length).toBe(before + 1);
    expect(entries.at(-1)).toMatchObject({ practitionerId: 'P-AUDIT', clientId: 'practitioner', operation: 'search' });
    const res = await lookup('/children?familyName=Lookup&givenName=Hannah', 'demo-practitioner', null);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ICS_ERR_PRACTITIONER_MISSING');
  });

  it('CP-CAF-002: a CAF indicator carrying case content is refused', async () => {
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(404) } } });
    const bad = cafIndicator(msg.child) as any;
    bad.needs = 'housing, rent arrears';
    expect((await srv.api.request('POST', '/contactpoint/v1/caf-indicators', { body: bad })).status).toBe(422);
  });
});
