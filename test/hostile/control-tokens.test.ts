/**
 * Scoped control (issue #17): each session gets its own control token, which acts on that session
 * alone; the server's control token still acts on all. The harness's --mock-url path works with a
 * session's token. Bearer schemes are case-insensitive; secrets are compared in constant time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, CONTROL } from '../support/server.js';
import { involvement } from '../support/messages.js';
import { MockClient } from '../../src/harness/engine/mock-client.js';
import { sameSecret } from '../../src/platform/sessions.js';

let srv: Awaited<ReturnType<typeof testServer>>;
let mine: { id: string; token: string };
let theirs: { id: string; token: string };

async function newSession(name: string) {
  const r = await srv.api.request('POST', '/control/v1/sessions', { token: CONTROL, body: { name } });
  expect(r.status).toBe(201);
  expect(r.body.controlToken).toMatch(/^sct_/);
  return { id: r.body.session.id as string, token: r.body.controlToken as string };
}

beforeAll(async () => {
  srv = await testServer();
  mine = await newSession('vendor A');
  theirs = await newSession('vendor B');
});
afterAll(() => srv.close());

const ctl = (method: string, path: string, token: string, body?: unknown) =>
  srv.api.request(method, `/control/v1${path}`, { token, ...(body !== undefined ? { body } : {}) });

describe('a session control token', () => {
  it('acts on its own session: read, journal, clock, faults, reset, rotate', async () => {
    expect((await ctl('GET', `/sessions/${mine.id}`, mine.token)).status).toBe(200);
    expect((await ctl('GET', `/sessions/${mine.id}/journal`, mine.token)).status).toBe(200);
    expect((await ctl('PUT', `/sessions/${mine.id}/clock`, mine.token, { advanceDays: 1 })).status).toBe(200);
    expect((await ctl('POST', `/sessions/${mine.id}/faults`, mine.token, { operationId: '*', kind: 'latency', latencyMs: 1, count: 1 })).status).toBe(
      201,
    );
    expect((await ctl('POST', `/sessions/${mine.id}/reset`, mine.token)).status).toBe(200);
    expect((await ctl('POST', `/sessions/${mine.id}/clients/ics/rotate`, mine.token)).status).toBe(200);
    const own = await ctl('GET', '/session', mine.token);
    expect(own.status).toBe(200);
    expect(own.body.id).toBe(mine.id);
  });

  it("finds no other session: another vendor's is answered as one that does not exist, and is untouched", async () => {
    const before = (await ctl('GET', `/sessions/${theirs.id}`, CONTROL)).body;
    for (const [method, path, body] of [
      ['GET', '', undefined],
      ['GET', '/journal', undefined],
      ['PUT', '/clock', { advanceDays: 400 }],
      ['POST', '/faults', { operationId: '*', kind: 'drop' }],
      ['POST', '/reset', undefined],
    ] as const) {
      const other = await ctl(method, `/sessions/${theirs.id}${path}`, mine.token, body);
      const none = await ctl(method, `/sessions/no-such-session${path}`, mine.token, body);
      expect([method, path, other.status, other.body.code]).toEqual([method, path, 404, 'ICS_ERR_SESSION_NOT_FOUND']);
      expect(other.body.detail.replace(theirs.id, 'x')).toBe(none.body.detail.replace('no-such-session', 'x'));
    }
    expect((await ctl('GET', `/sessions/${theirs.id}`, CONTROL)).body).toEqual(before);
  });

  it("cannot list, create or delete sessions, nor read the server's stats", async () => {
    for (const [method, path] of [
      ['GET', '/sessions'],
      ['POST', '/sessions'],
      ['GET', '/stats'],
      ['DELETE', `/sessions/${mine.id}`],
    ] as const) {
      const r = await ctl(method, path, mine.token, method === 'POST' ? {} : undefined);
      expect([method, path, r.status, r.body.code]).toEqual([method, path, 403, 'ICS_ERR_AUTH_FORBIDDEN']);
    }
    expect((await ctl('GET', `/sessions/${mine.id}`, CONTROL)).status).toBe(200);
  });

  it('is not a client token, and a client token is not a control token', async () => {
    expect((await srv.api.request('GET', '/contactpoint/v1/source-records/x', { token: mine.token })).status).toBe(401);
    expect((await ctl('GET', `/sessions/${mine.id}`, 'demo-ics')).status).toBe(401);
  });
});

describe('the server control token', () => {
  it('still acts on every session and on the server', async () => {
    expect((await ctl('GET', `/sessions/${theirs.id}/journal`, CONTROL)).status).toBe(200);
    expect((await ctl('GET', '/sessions', CONTROL)).status).toBe(200);
    expect((await ctl('GET', '/session', CONTROL)).status).toBe(404);
  });
});

describe('the harness with a session control token (--mock-url on a shared server)', () => {
  it('uses that session: reset, with fresh client tokens that work', async () => {
    const client = new MockClient(srv.url, mine.token);
    const session = await client.createSession('a run');
    expect(session.id).toBe(mine.id);
    expect(session.credentials.map((c) => c.clientId)).toContain('ics');
    const r = await srv.api.request('POST', '/contactpoint/v1/involvements', { token: client.token('ics'), body: involvement() });
    expect(r.status).toBe(202);
    expect((await client.entriesAfter(0)).map((e) => e.operationId)).toEqual(['submitInvolvement']);
    // A run's end does not delete a session the server's admin made.
    await client.deleteSession();
    expect((await ctl('GET', `/sessions/${mine.id}`, CONTROL)).status).toBe(200);
  });
});

describe('the bearer scheme', () => {
  it('is case-insensitive, for client and control tokens (RFC 9110)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      const r = await srv.api.request('POST', '/contactpoint/v1/involvements', {
        token: null,
        headers: { authorization: `${scheme} demo-ics` },
        body: involvement(),
      });
      expect([scheme, r.status]).toEqual([scheme, 202]);
      const c = await srv.api.request('GET', '/control/v1/sessions', { token: null, headers: { authorization: `${scheme} ${CONTROL}` } });
      expect([scheme, c.status]).toEqual([scheme, 200]);
    }
    expect((await srv.api.request('GET', '/control/v1/sessions', { token: null, headers: { authorization: `Basic ${CONTROL}` } })).status).toBe(401);
  });
});

describe('secret comparison', () => {
  it('sameSecret tells equal from unequal secrets of any length', () => {
    expect(sameSecret('ctl_abc', 'ctl_abc')).toBe(true);
    expect(sameSecret('ctl_abc', 'ctl_abd')).toBe(false);
    expect(sameSecret('ctl_abc', 'ctl_abcdef')).toBe(false);
    expect(sameSecret('', 'x')).toBe(false);
  });
});
