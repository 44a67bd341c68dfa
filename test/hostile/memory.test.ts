/**
 * Memory bounded by configuration, not by clients (issue #17): problem lists are capped, and the
 * journal keeps refused bodies within a per-entry and a per-session byte budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '../support/server.js';
import { involvement } from '../support/messages.js';
import { MAX_PROBLEM_ITEMS } from '../../src/core/problem.js';

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
    const res = await srv.api.request('POST', '/contactpoint/v1/involvements', { body: withUnknownFields(involvement() as unknown as Record<string, unknown>, 20_000) });
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
