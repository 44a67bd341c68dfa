/**
 * National eCAF exports (issue #17): an `ecaf:exchange` system exports only an episode whose child
 * it holds (it sent the episode in, or the child is on its own ContactPoint caseload); to any other
 * system the episode does not exist, and episode IDs cannot be found by counting.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, ecafServer, exchangeEpisode, openEpisode, system, type Srv } from '../ecaf/helpers.js';
import { involvement } from '../support/messages.js';

let srv: Srv;
beforeAll(async () => {
  srv = await ecafServer();
});
afterAll(() => srv.close());

const destination = { localAuthority: '302', system: 'Barnet local CAF' };
const exportAs = (token: string, episodeId: string) => system(srv, token).post('/exchange/exports', { episodeId, destination });
/** A problem with the IDs it names taken out, to compare two refusals. */
const sansId = (body: Record<string, unknown>) => JSON.parse(JSON.stringify(body).replace(/ECAF\.EP\.\d{4}\.\d{6}/g, '<id>')) as unknown;

describe('export scope', () => {
  it('a system with no hold on the child is answered exactly as for an episode that does not exist, and nothing is recorded on the episode', async () => {
    const id = await openEpisode(srv, 401);
    const refused = await exportAs('demo-ics-neighbour', id);
    const missing = await exportAs('demo-ics-neighbour', 'ECAF.EP.2026.000000');
    expect(refused.status).toBe(404);
    expect(sansId(refused.body)).toEqual(sansId(missing.body));
    expect((await as(srv, 'mentor').get(`/episodes/${id}`)).body.exports).toEqual([]);
  });

  it('the system that sent the episode in may export it; another may not', async () => {
    const sent = await system(srv, 'demo-ics-neighbour').post('/exchange/transfers', { messageId: randomUUID(), episode: exchangeEpisode(402) });
    expect(sent.status).toBe(201);
    expect((await exportAs('demo-ics-neighbour', sent.body.episodeId)).status).toBe(200);
    expect((await exportAs('demo-ics', sent.body.episodeId)).status).toBe(404);
  });

  it('a system whose own ContactPoint record holds the child may export it', async () => {
    const id = await openEpisode(srv, 403);
    expect((await exportAs('demo-ics', id)).status).toBe(404);
    const child = (await as(srv, 'mentor').get(`/episodes/${id}`)).body.child;
    expect(
      (await srv.api.request('POST', '/contactpoint/v1/involvements', { body: involvement({ child, sentAt: '2026-11-24T10:00:00Z' }) })).status,
    ).toBe(202);
    expect((await exportAs('demo-ics', id)).status).toBe(200);
  });
});

describe('shielding', () => {
  it("an export of a shielded child's episode carries no address, contact details or school", async () => {
    const id = await openEpisode(srv, 404);
    const view = (await as(srv, 'mentor').get(`/episodes/${id}`)).body;
    const cpId = view.contactPoint.contactPointId as string;
    expect(
      (await srv.api.request('POST', '/contactpoint/v1/involvements', { body: involvement({ child: view.child, sentAt: '2026-11-24T10:00:00Z' }) }))
        .status,
    ).toBe(202);
    const open = await exportAs('demo-ics', id);
    expect(open.body.shielded).toBeUndefined();
    const address = view.child.residence.address.lines[0] as string;
    expect(open.text).toContain(address);
    const shield = await srv.api.request('PUT', `/contactpoint/v1/children/${cpId}/shielding`, {
      token: 'demo-la-admin',
      headers: { 'practitioner-id': 'la-1' },
      body: { messageId: randomUUID(), shielded: true },
    });
    expect(shield.status).toBeLessThan(300);
    const res = await exportAs('demo-ics', id);
    expect(res.status).toBe(200);
    expect(res.body.shielded).toBe(true);
    expect(res.body.episode.child.residence).toEqual({ status: 'no-known-address' });
    expect(res.body.episode.child.school).toBeUndefined();
    for (const p of res.body.episode.child.parentsCarers) expect(p.contact).toEqual({});
    expect(res.text).not.toContain(address);
    expect(res.body.episode.child.name).toEqual(view.child.name);
    // Every path: a practitioner on the TAC reading the episode sees no whereabouts either.
    const seen = await as(srv, 'mentor').get(`/episodes/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.shielded).toBe(true);
    expect(seen.body.child.residence).toEqual({ status: 'no-known-address' });
    expect(seen.text).not.toContain(address);
  });
});

describe('episode IDs', () => {
  it('are not sequential: knowing one tells nothing of the next', async () => {
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await openEpisode(srv, 410 + i));
    const serials = ids.map((id) => Number(id.slice(-6)));
    const steps = serials.slice(1).map((n, i) => n - serials[i]!);
    expect(steps.filter((d) => d === 1)).toHaveLength(0);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
