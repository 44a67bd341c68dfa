/**
 * One source system cannot change another's data on ContactPoint (issue #17): a sentAt past the
 * service's clock is refused, CAF indicators are the sender's own, and the source system shown is
 * the registered client's organisation, not a field the sender chose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, CONTROL } from '../support/server.js';
import { cafIndicator, involvement, testNhs } from '../support/messages.js';
import { SENT_AT_TOLERANCE_MS } from '../../mocks/contactpoint/domain/directory.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
  await srv.control('PUT', '/clock', { now: '2026-11-25T09:00:00Z', frozen: true });
});
afterAll(() => srv.close());

const post = (path: string, body: unknown, token = 'demo-ics') => srv.api.request('POST', `/contactpoint/v1${path}`, { token, body });
const view = async (cpId: string) =>
  (await srv.api.request('GET', `/contactpoint/v1/children/${cpId}`, { token: 'demo-practitioner', headers: { 'practitioner-id': 'p-1' } })).body;
const at = (ms: number) => new Date(Date.parse('2026-11-25T09:00:00Z') + ms).toISOString();

describe('sentAt against the service clock', () => {
  it('a message dated past the clock by more than the tolerance is refused and changes nothing; within it, accepted', async () => {
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(7001) } }, sentAt: at(SENT_AT_TOLERANCE_MS + 1000) });
    const res = await post('/involvements', msg);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/sentAt', rule: 'not-in-future' })]);
    expect((await srv.api.request('GET', `/contactpoint/v1/source-records/${msg.sourceRecordId}`)).status).toBe(404);
    expect((await post('/involvements', { ...msg, messageId: crypto.randomUUID(), sentAt: at(SENT_AT_TOLERANCE_MS - 1000) })).status).toBe(202);
  });

  it("a system cannot pin a child's address with a future sentAt against the owning system's later update", async () => {
    const mine = involvement({ child: { identifiers: { nhsNumber: testNhs(7002) } }, sentAt: at(-3_600_000) });
    const first = await post('/involvements', mine);
    const cpId = first.body.contactPointId as string;
    const pinned = {
      ...mine.child,
      residence: { status: 'current' as const, address: { lines: ['1 Elsewhere'], town: 'Barnet', postcode: 'EN5 2AA' } },
    };
    const attack = involvement({ child: pinned, sentAt: '2030-01-01T00:00:00Z' });
    expect((await post('/involvements', attack, 'demo-education')).status).toBe(422);
    const update = {
      ...mine,
      messageId: crypto.randomUUID(),
      sentAt: at(0),
      child: { ...mine.child, residence: { status: 'current' as const, address: { lines: ['9 New Road'], town: 'Barnet', postcode: 'EN5 3BB' } } },
    };
    expect((await post('/involvements', update)).body.status).toBe('accepted');
    expect((await view(cpId)).residence.address.lines).toEqual(['9 New Road']);
  });

  it('the CAF indicator route applies the same rule', async () => {
    const child = involvement({ child: { identifiers: { nhsNumber: testNhs(7003) } } }).child;
    const res = await post('/caf-indicators', cafIndicator(child, { sentAt: '2030-01-01T00:00:00Z' }));
    expect(res.status).toBe(422);
    expect(res.body.errors[0].rule).toBe('not-in-future');
  });
});

describe("CAF indicators are the sender's own", () => {
  it("another system's indicator with the same episodeRef does not close this system's open CAF", async () => {
    const inv = involvement({ child: { identifiers: { nhsNumber: testNhs(7004) } } });
    const cpId = (await post('/involvements', inv)).body.contactPointId as string;
    const open = cafIndicator(inv.child, { episodeRef: 'CAF-OWNED-1', status: 'open', sentAt: at(-60_000) });
    expect((await post('/caf-indicators', open)).status).toBe(202);
    const hostile = cafIndicator(inv.child, { episodeRef: 'CAF-OWNED-1', status: 'closed', sentAt: at(0) });
    expect((await post('/caf-indicators', hostile, 'demo-ics-neighbour')).status).toBe(202);
    expect((await view(cpId)).cafIndicator).toMatchObject({ status: 'open', assessor: open.assessor });
    // The owner itself can close it.
    expect((await post('/caf-indicators', { ...hostile, messageId: crypto.randomUUID() })).status).toBe(202);
    const other = await post('/caf-indicators', { ...hostile, messageId: crypto.randomUUID(), status: 'open' }, 'demo-ics-neighbour');
    expect(other.status).toBe(202);
  });
});

describe('the source system shown', () => {
  it("is the registered client's organisation, never the contact.organisation the sender wrote", async () => {
    const claim = involvement({
      child: { identifiers: { nhsNumber: testNhs(7005) } },
      involvement: {
        service: 'learning-mentor',
        leadProfessional: true,
        contact: { kind: 'team', teamName: 'Duty team', organisation: "London Borough of Barnet Children's Social Care", phone: '020 8359 4066' },
      },
    });
    const cpId = (await post('/involvements', claim, 'demo-education')).body.contactPointId as string;
    const v = await view(cpId);
    expect(v.involvements).toEqual([expect.objectContaining({ service: 'learning-mentor', sourceSystem: 'Westminster Education Service' })]);
    // The session's own registry names it: a session created with other clients shows theirs.
    const created = await srv.api.request('POST', '/control/v1/sessions', {
      token: CONTROL,
      body: {
        clients: [
          { id: 'mis', name: 'MIS', organisation: 'Hendon School', permissions: ['feed:write'] },
          { id: 'portal', name: 'Portal', organisation: 'ContactPoint', permissions: ['lookup'] },
        ],
      },
    });
    const tok = (id: string) => created.body.credentials.find((c: { clientId: string }) => c.clientId === id).token as string;
    const r = await srv.api.request('POST', '/contactpoint/v1/involvements', {
      token: tok('mis'),
      body: { ...claim, messageId: crypto.randomUUID() },
    });
    const seen = await srv.api.request('GET', `/contactpoint/v1/children/${r.body.contactPointId}`, {
      token: tok('portal'),
      headers: { 'practitioner-id': 'p-1' },
    });
    expect(seen.body.involvements[0].sourceSystem).toBe('Hendon School');
  });
});
