import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, CONTROL } from '../support/server.js';
import { involvement, testNhs } from '../support/messages.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
});
afterAll(() => srv.close());

describe('security', () => {
  it('SEC-AUTH-001: no credentials gives 401 with WWW-Authenticate; wrong credentials 401; nothing stored', async () => {
    const msg = involvement();
    const none = await srv.api.request('POST', '/contactpoint/v1/involvements', { body: msg, token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await srv.api.request('POST', '/contactpoint/v1/involvements', { body: msg, token: 'demo-nope' });
    expect(wrong.status).toBe(401);
    expect((await srv.control('GET', '/contactpoint/children')).body.children).toHaveLength(0);
    expect((await srv.api.request('POST', '/contactpoint/v1/involvements', { body: msg })).status).toBe(202);
  });

  it('SEC-AUTH-002: a system not permitted the operation gets 403', async () => {
    expect((await srv.api.request('POST', '/contactpoint/v1/involvements', { body: involvement(), token: 'demo-no-permissions' })).status).toBe(403);
    expect(
      (
        await srv.api.request('GET', '/contactpoint/v1/children?familyName=Hart&givenName=Amelia', {
          token: 'demo-ics',
          headers: { 'practitioner-id': 'x' },
        })
      ).status,
    ).toBe(403);
  });

  it("SEC-ISO-001: one source system can neither read nor change another's records", async () => {
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(500) } } });
    await srv.api.request('POST', '/contactpoint/v1/involvements', { body: msg });
    expect((await srv.api.request('GET', `/contactpoint/v1/source-records/${msg.sourceRecordId}`)).status).toBe(200);
    expect((await srv.api.request('GET', `/contactpoint/v1/source-records/${msg.sourceRecordId}`, { token: 'demo-ics-neighbour' })).status).toBe(404);
    // The same source record ID from another system is that system's own record, not an overwrite.
    const other = involvement({
      sourceRecordId: msg.sourceRecordId,
      child: { ...msg.child },
      involvement: { endDate: '2026-11-02' },
      sentAt: '2026-11-24T10:00:00Z',
    });
    await srv.api.request('POST', '/contactpoint/v1/involvements', { body: other, token: 'demo-ics-neighbour' });
    const mine = await srv.api.request('GET', `/contactpoint/v1/source-records/${msg.sourceRecordId}`);
    expect(mine.body.message.involvement.endDate).toBeUndefined();
  });

  it("SEC-SESSION-001: sessions are isolated; a new session's tokens see only its own state", async () => {
    const created = await srv.api.request('POST', '/control/v1/sessions', { token: CONTROL, body: { name: 'vendor B' } });
    expect(created.status).toBe(201);
    const token = created.body.credentials.find((c: any) => c.clientId === 'ics').token;
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(501) } } });
    await srv.api.request('POST', '/contactpoint/v1/involvements', { body: msg, token });
    expect((await srv.api.request('GET', `/contactpoint/v1/source-records/${msg.sourceRecordId}`, { token })).status).toBe(200);
    expect((await srv.api.request('GET', `/contactpoint/v1/source-records/${msg.sourceRecordId}`)).status).toBe(404);
    const sid = created.body.session.id;
    const journal = await srv.api.request('GET', `/control/v1/sessions/${sid}/journal`, { token: CONTROL });
    expect(journal.body.entries).toHaveLength(2);
  });

  it('CTL-AUTH-001: the control API needs the control token; client tokens do not open it', async () => {
    expect((await srv.api.request('GET', '/control/v1/sessions', { token: null })).status).toBe(401);
    expect((await srv.api.request('GET', '/control/v1/sessions', { token: 'demo-ics' })).status).toBe(401);
    expect((await srv.api.request('GET', '/control/v1/sessions', { token: CONTROL })).status).toBe(200);
  });

  it('secrets never reach the journal', async () => {
    const page = await srv.control('GET', '/journal');
    const text = JSON.stringify(page.body);
    expect(text).not.toContain('demo-ics"');
    expect(text).toContain('Bearer ***');
  });
});
