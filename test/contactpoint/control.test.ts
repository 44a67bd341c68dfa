import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '../support/server.js';
import { involvement, testNhs } from '../support/messages.js';
import { randomUUID } from 'node:crypto';
import { Store } from '../../src/platform/store.js';
import { Journal } from '../../src/platform/journal.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
});
afterAll(() => srv.close());
const post = (body: unknown) => srv.api.request('POST', '/contactpoint/v1/involvements', { body });

describe('control API', () => {
  it('CTL-005: injects 503 with Retry-After, 429, latency and dropped connections, per operation and count', async () => {
    await srv.control('POST', '/faults', { operationId: 'submitInvolvement', kind: 'error', status: 503, retryAfterSeconds: 2, count: 1 });
    const r1 = await post(involvement());
    expect(r1.status).toBe(503);
    expect(r1.headers.get('retry-after')).toBe('2');
    expect((await post(involvement({ child: { identifiers: { nhsNumber: testNhs(600) } } }))).status).toBe(202);

    await srv.control('POST', '/faults', { operationId: '*', kind: 'error', status: 429, retryAfterSeconds: 1, count: 1 });
    expect((await post(involvement())).status).toBe(429);

    await srv.control('POST', '/faults', { operationId: 'submitInvolvement', kind: 'drop', count: 1 });
    await expect(post(involvement())).rejects.toThrow();

    await srv.control('POST', '/faults', { operationId: 'submitInvolvement', kind: 'latency', latencyMs: 150, count: 1 });
    const t0 = performance.now();
    expect((await post(involvement({ child: { identifiers: { nhsNumber: testNhs(601) } } }))).status).toBe(202);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);

    const bad = await srv.control('POST', '/faults', { operationId: 'noSuchOperation', kind: 'drop' });
    expect(bad.status).toBe(422);

    // Clearing answers 204: no body, and so no Content-Length (RFC 9110) and no chunked stream either.
    const cleared = await srv.control('DELETE', '/faults');
    expect(cleared.status).toBe(204);
    expect(cleared.headers.get('content-length')).toBeNull();
    expect(cleared.headers.get('transfer-encoding')).toBeNull();
    expect(cleared.text).toBe('');
  });

  it("CTL-005: a fault aimed at one child waits for that child's message; other messages pass untouched", async () => {
    const target = testNhs(610);
    await srv.control('POST', '/faults', {
      operationId: 'submitInvolvement',
      kind: 'error',
      status: 503,
      count: 1,
      match: { '/child/identifiers/nhsNumber': target },
    });
    // Another child's messages (a straggler from an earlier scenario, say) do not take it.
    expect((await post(involvement({ child: { identifiers: { nhsNumber: testNhs(611) } } }))).status).toBe(202);
    expect((await post(involvement({ child: { identifiers: { nhsNumber: testNhs(612) } } }))).status).toBe(202);
    expect((await srv.control('GET', '/faults')).body.faults).toHaveLength(1);
    // The first message about the child meets it, whenever it comes; the retry then goes through.
    const msg = involvement({ child: { identifiers: { nhsNumber: target } } });
    expect((await post(msg)).status).toBe(503);
    expect((await post(msg)).status).toBe(202);
    expect((await srv.control('GET', '/faults')).body.faults).toHaveLength(0);
    // A body that is not JSON, or lacks the pointer, never matches.
    await srv.control('POST', '/faults', {
      operationId: 'submitInvolvement',
      kind: 'error',
      status: 503,
      match: { '/child/identifiers/nhsNumber': target },
    });
    expect(
      (await srv.api.request('POST', '/contactpoint/v1/involvements', { raw: '{"messageId": ', headers: { 'content-type': 'application/json' } }))
        .status,
    ).toBe(400);
    expect((await post(involvement({ child: { identifiers: { nhsNumber: testNhs(613) } } }))).status).toBe(202);
    const bad = await srv.control('POST', '/faults', { operationId: 'submitInvolvement', kind: 'drop', match: { 'no-leading-slash': 'x' } });
    expect(bad.status).toBe(422);
    await srv.control('DELETE', '/faults');
  });

  it('CTL-005: drop-after-commit stores the message and loses the acknowledgement; the retry gets the receipt', async () => {
    await srv.control('POST', '/faults', { operationId: 'submitInvolvement', kind: 'drop-after-commit', count: 1 });
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(602) } } });
    await expect(post(msg)).rejects.toThrow();
    const retry = await post(msg);
    expect(retry.status).toBe(200);
    expect(retry.body.repeat).toBe(true);
  });

  it('CTL-003: the journal records every exchange with its verdict, and can be followed in-process', async () => {
    const seen = srv.mock.journal.waitFor(
      'default',
      (e) => e.operationId === 'submitInvolvement' && (e.requestBody as any)?.sourceRecordId === 'WAIT-1',
      { timeoutMs: 2000 },
    );
    await post(involvement({ sourceRecordId: 'WAIT-1', child: { identifiers: { nhsNumber: testNhs(603) } } }));
    const entry = await seen;
    expect(entry).toMatchObject({ status: 202, verdict: 'accepted', clientId: 'ics', method: 'POST' });
    const page = (await srv.control('GET', `/journal?since=${entry.seq - 1}&limit=1`)).body;
    expect(page.entries[0].seq).toBe(entry.seq);
    const nd = await srv.control('GET', '/journal?format=ndjson');
    expect(nd.headers.get('content-type')).toContain('ndjson');
    expect(nd.text.trim().split('\n').length).toBeGreaterThan(5);
    const faults = (await srv.control('GET', '/journal?limit=1000')).body.entries.filter((e: any) => e.verdict === 'fault');
    expect(faults.length).toBeGreaterThanOrEqual(3);
  });

  it('CTL-003: an accepted message is stored once, and its journal entry still shows the body it carried', async () => {
    const sent = involvement({ child: { identifiers: { nhsNumber: testNhs(604) } } });
    const family = sent.child.name.family;
    expect((await post(sent)).status).toBe(202);
    expect((await post(sent)).status).toBe(200);
    expect((await post({ ...sent, messageId: randomUUID(), child: { ...sent.child, dateOfBirth: 'yesterday' } })).status).toBe(422);
    const entries = (await srv.control('GET', '/journal?limit=1000')).body.entries.filter((e: any) => e.requestBody?.child?.name?.family === family);
    expect(entries.map((e: any) => e.status)).toEqual([202, 200, 422]);
    expect(entries[0].requestBody).toEqual(sent);
    expect(entries[1].requestBody).toEqual(sent);
    // On disk the accepted entry names its log row instead of repeating the body; the repeat and the refusal keep theirs.
    const stored = (srv.mock.store.db.prepare("SELECT entries FROM journal_pages WHERE session_id = 'default'").pluck().all() as string[])
      .flatMap((t) => JSON.parse(t) as any[])
      .filter((e) => entries.some((x: any) => x.seq === e.seq))
      .sort((a, b) => a.seq - b.seq);
    expect(stored.map((e) => [JSON.stringify(e).includes(family), e.$body?.[0] ?? null])).toEqual([
      [false, 'contactpoint-log'],
      [true, null],
      [true, null],
    ]);
    expect(srv.mock.directory.logBody(stored[0].$body[1])).toBe(JSON.stringify(sent));
  });

  it('CTL-003: a journal written before body references opens, keeps its entries and takes new ones', () => {
    const store = new Store();
    store.exec('CREATE TABLE journal (session_id TEXT NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (session_id, seq))');
    store.db.prepare('INSERT INTO journal VALUES (?, ?, ?)').run('s', 1, JSON.stringify({ seq: 1, sessionId: 's', requestBody: { old: true } }));
    const journal = new Journal(store);
    expect(store.db.prepare("SELECT name FROM sqlite_master WHERE name = 'journal'").get()).toBeUndefined();
    journal.record({
      sessionId: 's',
      at: '2026-11-25T00:00:00Z',
      durationMs: 1,
      service: 'contactpoint',
      operationId: 'x',
      method: 'POST',
      path: '/x',
      query: {},
      requestHeaders: {},
      status: 202,
      verdict: 'accepted',
      requestBody: { new: true },
    });
    expect(journal.list('s').entries.map((e) => [e.seq, e.requestBody])).toEqual([
      [1, { old: true }],
      [2, { new: true }],
    ]);
    store.close();
  });

  it('CTL-004: the clock can be set, advanced and frozen', async () => {
    const set = await srv.control('PUT', '/clock', { now: '2009-11-02T09:00:00Z', frozen: true });
    expect(set.body.now).toBe('2009-11-02T09:00:00.000Z');
    const adv = await srv.control('PUT', '/clock', { advanceDays: 366 });
    expect(adv.body.now).toBe('2010-11-03T09:00:00.000Z');
    const bad = await srv.control('PUT', '/clock', { when: 'later' });
    expect(bad.status).toBe(422);
    await srv.control('PUT', '/clock', { frozen: false, now: new Date().toISOString() });
  });

  it('CTL-002: seed and reset', async () => {
    const seeded = await srv.control('POST', '/seed', { dataset: 'population', count: 25, seed: 9 });
    expect(seeded.body.messages).toBe(25);
    expect((await srv.control('GET', '/contactpoint/children')).body.children.length).toBeGreaterThanOrEqual(20);
    await srv.control('POST', '/reset');
    expect((await srv.control('GET', '/contactpoint/children')).body.children).toHaveLength(0);
    expect((await srv.control('GET', '/journal')).body.entries).toHaveLength(0);
  });
});

describe('control API stats', () => {
  it("CTL-001: reports the memory the directory's indexes hold, growing with the children held and freed by a reset", async () => {
    const stats = async () => (await srv.api.request('GET', '/control/v1/stats', { token: 'test-control-token' })).body;
    await srv.control('POST', '/reset');
    const empty = await stats();
    expect(empty.process.rssBytes).toBeGreaterThan(0);
    const base = empty.contactpoint.children;
    for (let i = 0; i < 40; i++) expect((await post(involvement({ child: { identifiers: { nhsNumber: testNhs(650 + i * 3) } } }))).status).toBe(202);
    const full = await stats();
    expect(full.contactpoint.children - base).toBeGreaterThanOrEqual(40);
    expect(full.contactpoint.sourceRecords).toBeGreaterThanOrEqual(40);
    expect(full.contactpoint.indexBytes).toBeGreaterThan(empty.contactpoint.indexBytes);
    await srv.control('POST', '/reset');
    expect((await stats()).contactpoint.children).toBe(base);
    expect((await srv.api.request('GET', '/control/v1/stats', { token: 'demo-ics' })).status).toBe(401);
  });
});
