/**
 * Memory bounded by configuration, not by clients (issue #17): problem lists are capped, and the
 * journal keeps refused bodies within a per-entry and a per-session byte budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFor, testServer } from '../support/server.js';
import { startServer } from '../../src/mock-server/server.js';
import { involvement } from '../support/messages.js';
import { MAX_PROBLEM_ITEMS } from '../../src/platform/problem.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
});
afterAll(() => srv.close());

/** A message with `n` unknown fields: one schema error each. */
function withUnknownFields(base: Record<string, unknown>, n: number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (let i = 0; i < n; i++) out[`x${i}`] = 1;
  return out;
}

describe('error lists', () => {
  it('a ContactPoint message with 20,000 bad fields gets the first 100 errors and a count of the rest', async () => {
    const res = await srv.api.request('POST', '/contactpoint/v1/involvements', {
      body: withUnknownFields(involvement(), 20_000),
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveLength(MAX_PROBLEM_ITEMS);
    expect(res.body.errorsOmitted).toBe(20_000 - MAX_PROBLEM_ITEMS);
    expect(res.text.length).toBeLessThan(64 * 1024);
  });

  it('a National eCAF request with 20,000 bad fields is capped the same way', async () => {
    const res = await srv.api.request('POST', '/ecaf/v1/episodes', {
      token: 'demo-practitioner',
      headers: { 'practitioner-id': 'p-1' },
      body: withUnknownFields({}, 20_000),
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.length).toBeLessThanOrEqual(MAX_PROBLEM_ITEMS);
    expect(res.body.errorsOmitted).toBeGreaterThan(19_000);
    expect(res.text.length).toBeLessThan(64 * 1024);
  });

  it('the journal entry of such a refusal keeps the capped list', async () => {
    const entries = (await srv.control('GET', '/journal?limit=10000')).body.entries as Array<{ operationId: string; problems?: unknown[] }>;
    const e = entries.filter((x) => x.operationId === 'submitInvolvement').at(-1)!;
    expect(e.problems).toHaveLength(MAX_PROBLEM_ITEMS);
  });
});

describe('journal budget for refused bodies', () => {
  type Entry = { seq: number; operationId: string; verdict: string; requestBody?: unknown; bodyOmitted?: { bytes: number; reason: string } };
  const big = (n: number) => ({ ...involvement(), padding: 'p'.repeat(n) });

  it('keeps each refused body within the entry limit and the session within its budget, and says what it left out', async () => {
    const s = await startServer({ port: 0, demoSession: true, controlToken: 'ctl', journalBudget: { entryBytes: 4096, sessionBytes: 64 * 1024 } });
    try {
      const api = apiFor(s.url);
      for (let i = 0; i < 40; i++) expect((await api.request('POST', '/contactpoint/v1/involvements', { body: big(20_000) })).status).toBe(422);
      const ok = involvement();
      expect((await api.request('POST', '/contactpoint/v1/involvements', { body: ok })).status).toBe(202);
      const entries = (await api.request('GET', '/control/v1/sessions/default/journal?limit=1000', { token: 'ctl' })).body.entries as Entry[];
      const refused = entries.filter((e) => e.verdict === 'rejected');
      expect(refused).toHaveLength(40);
      const kept = refused.filter((e) => e.requestBody !== undefined);
      const keptBytes = kept.reduce((n, e) => n + Buffer.byteLength(String(e.requestBody)), 0);
      // 4 KiB each (and the ellipsis), 64 KiB in all: 16 kept, the rest counted.
      expect(kept.length).toBe(16);
      expect(keptBytes).toBeLessThanOrEqual(64 * 1024 + 16 * 3);
      for (const e of kept) expect(e.bodyOmitted).toMatchObject({ reason: 'entry-limit', bytes: expect.any(Number) });
      for (const e of refused.slice(16)) expect(e.bodyOmitted).toMatchObject({ reason: 'session-budget' });
      // What the harness judges is kept whole.
      const accepted = entries.find((e) => e.verdict === 'accepted')!;
      expect(accepted.requestBody).toEqual(ok);
      expect(accepted.bodyOmitted).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it('gives the budget back as old entries retire under the retention limit', async () => {
    const s = await startServer({
      port: 0,
      demoSession: true,
      controlToken: 'ctl',
      journalLimit: 20,
      journalBudget: { entryBytes: 4096, sessionBytes: 16 * 1024 },
    });
    try {
      const api = apiFor(s.url);
      const journal = async () =>
        (await api.request('GET', '/control/v1/sessions/default/journal?limit=1000', { token: 'ctl' })).body.entries as Entry[];
      for (let i = 0; i < 8; i++) await api.request('POST', '/contactpoint/v1/involvements', { body: big(5_000) });
      await journal();
      for (let i = 0; i < 30; i++) await api.request('POST', '/contactpoint/v1/involvements', { body: involvement() });
      await journal();
      expect((await api.request('POST', '/contactpoint/v1/involvements', { body: big(5_000) })).status).toBe(422);
      const last = (await journal()).at(-1)!;
      expect(last.verdict).toBe('rejected');
      expect(last.bodyOmitted?.reason).toBe('entry-limit');
      expect(last.requestBody).toEqual(expect.any(String));
    } finally {
      await s.close();
    }
  });
});
