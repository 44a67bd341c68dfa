/**
 * A full disk (issue #17): an uncaught SQLITE_FULL used to end the server. Now the request is
 * answered 503 problem+json with Retry-After, nothing of it is stored, the server stays up, and it
 * recovers when space returns. The disk fills for real as far as SQLite is concerned: the file is
 * capped with max_page_count, which fails writes with the same SQLITE_FULL a full disk gives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/mock-server/server.js';
import { apiFor, type Api } from '../support/server.js';
import { involvement, testNhs } from '../support/messages.js';

let dir: string;
let srv: RunningServer;
let api: Api;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ics-full-'));
  srv = await startServer({ port: 0, data: join(dir, 'full.sqlite'), demoSession: true, controlToken: 'ctl' });
  api = apiFor(srv.url);
});
afterAll(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

const db = () => srv.mock.store.db;
const big = (n: number) =>
  involvement({
    child: { identifiers: { nhsNumber: testNhs(9000 + n) }, formerNames: [] },
    involvement: { contact: { kind: 'team', teamName: 'T'.repeat(100), organisation: 'O'.repeat(100), phone: '020 8359 4066' } },
  });

describe('a full disk', () => {
  it('is answered 503 ICS_ERR_STORAGE_FULL with Retry-After, stores nothing, keeps the server up, and recovers', async () => {
    const pages = db().pragma('page_count', { simple: true }) as number;
    db().pragma(`max_page_count = ${pages + 2}`);
    let full: Awaited<ReturnType<Api['request']>> | undefined;
    let refusedMsg: ReturnType<typeof big> | undefined;
    for (let i = 0; i < 500 && !full; i++) {
      const msg = big(i);
      const res = await api.request('POST', '/contactpoint/v1/involvements', { body: msg });
      if (res.status === 503) {
        full = res;
        refusedMsg = msg;
      } else expect(res.status).toBe(202);
    }
    expect(full).toBeDefined();
    expect(full!.headers.get('content-type')).toContain('application/problem+json');
    expect(full!.headers.get('retry-after')).toBe('30');
    expect(full!.body.code).toBe('ICS_ERR_STORAGE_FULL');
    // Still up: reads answer, and another write is refused the same way rather than crashing.
    expect((await api.request('GET', '/health', { token: null })).status).toBe(200);
    expect((await api.request('POST', '/contactpoint/v1/involvements', { body: big(600) })).status).toBe(503);
    // Let the journal's writer meet the full disk too (it retries; it must not throw).
    await new Promise((r) => setTimeout(r, 50));

    db().pragma('max_page_count = 1073741823');
    const after = await api.request('POST', '/contactpoint/v1/involvements', { body: big(700) });
    expect(after.status).toBe(202);
    expect((await api.request('GET', `/contactpoint/v1/source-records/${refusedMsg!.sourceRecordId}`)).status).toBe(404);
    // Every exchange is in the journal, the refusals made while the disk was full included.
    const journal = (await api.request('GET', '/control/v1/sessions/default/journal?limit=10000', { token: 'ctl' })).body.entries as Array<{
      status: number;
      operationId: string;
    }>;
    expect(journal.filter((e) => e.status === 503).length).toBeGreaterThanOrEqual(2);
    expect(journal.filter((e) => e.operationId === 'submitInvolvement').at(-1)!.status).toBe(202);
  });
});
