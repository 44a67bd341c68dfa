/**
 * Valid-looking control requests must not break state (issue #17): clock moves are range-checked
 * before they change anything, and a session is created whole or not at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, CONTROL } from '../support/server.js';
import { involvement } from '../support/messages.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
});
afterAll(() => srv.close());

const sessionCount = async () => ((await srv.api.request('GET', '/control/v1/sessions', { token: CONTROL })).body.sessions as unknown[]).length;

describe('moving the clock', () => {
  it.each([
    [{ advanceMs: 9007199254740992 }],
    [{ advanceMs: -9007199254740992 }],
    [{ advanceDays: 10_000_000 }],
    [{ advanceDays: 70_000 }],
    [{ now: '9999-12-31T00:00:00Z', advanceDays: 1 }],
  ])('%j is refused 422 and the clock and later requests are unharmed', async (body) => {
    const before = (await srv.control('GET', '/clock')).body;
    const res = await srv.control('PUT', '/clock', body);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const after = (await srv.control('GET', '/clock')).body;
    expect(after.offsetMs).toBe(before.offsetMs);
    expect(after.frozenAt).toBe(before.frozenAt);
    expect((await srv.api.request('POST', '/contactpoint/v1/involvements', { body: involvement() })).status).toBe(202);
  });

  it('a move within range still works', async () => {
    const res = await srv.control('PUT', '/clock', { advanceDays: 365 });
    expect(res.status).toBe(200);
    await srv.control('PUT', '/clock', { advanceDays: -365 });
  });
});

describe('creating a session', () => {
  const client = (id: string, permissions: string[]) => ({ id, name: id, organisation: 'Org', permissions });

  it('with duplicate client IDs is refused 422, and no session is left', async () => {
    const before = await sessionCount();
    const res = await srv.api.request('POST', '/control/v1/sessions', {
      token: CONTROL,
      body: { clients: [client('a', ['feed:write']), client('a', ['lookup'])] },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/clients/1/id', rule: 'unique' })]);
    expect(await sessionCount()).toBe(before);
  });

  it('with a dataset and no client permitted feed:write is refused 422, and no session is left', async () => {
    const before = await sessionCount();
    const res = await srv.api.request('POST', '/control/v1/sessions', {
      token: CONTROL,
      body: { clients: [client('p', ['lookup'])], dataset: 'population', count: 5 },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/dataset', rule: 'seeding-client' })]);
    expect(await sessionCount()).toBe(before);
  });

  it('a seed that fails part-way leaves no session behind', async () => {
    const before = srv.mock.sessions.list().length;
    const seed = srv.mock.seed.bind(srv.mock);
    srv.mock.seed = () => {
      throw new Error('disk gone');
    };
    try {
      expect(() => srv.mock.createSession({ dataset: 'population', count: 5 })).toThrow('disk gone');
    } finally {
      srv.mock.seed = seed;
    }
    expect(srv.mock.sessions.list().length).toBe(before);
  });
});
