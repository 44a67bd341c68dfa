/**
 * Seeding does not block other sessions (issue #17): 100,000 children held every session up for
 * 12.4 s. The control API now seeds in steps of about 20 ms and serves other requests between them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, CONTROL } from '../support/server.js';
import { involvement } from '../support/messages.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
});
afterAll(() => srv.close());

describe('a large seed', () => {
  it('leaves other sessions served while it runs, and answers with the whole session', async () => {
    const started = performance.now();
    const seeding = srv.api.request('POST', '/control/v1/sessions', { token: CONTROL, body: { dataset: 'population', count: 20_000, seed: 7 } });
    let done = false;
    void seeding.then(() => (done = true));
    const latencies: number[] = [];
    // Give the seed time to start, then keep another session busy until it ends.
    await new Promise((r) => setTimeout(r, 50));
    while (!done) {
      const t = performance.now();
      const res = await srv.api.request('POST', '/contactpoint/v1/involvements', { body: involvement() });
      expect(res.status).toBe(202);
      latencies.push(performance.now() - t);
    }
    const seeded = await seeding;
    const seedMs = performance.now() - started;
    if (process.env.SEED_FIGURES)
      console.log(`seed ${Math.round(seedMs)} ms, ${latencies.length} requests meanwhile, max ${Math.round(Math.max(...latencies))} ms`);
    expect(seeded.status).toBe(201);
    expect(seeded.body.seeded).toMatchObject({ dataset: 'population', children: expect.any(Number) });
    expect(seeded.body.seeded.children).toBeGreaterThan(15_000);
    // Many requests were answered while the seed ran, none held up for more than a few steps.
    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.max(...latencies)).toBeLessThan(Math.min(500, seedMs / 3));
    // The seeded session is usable at once.
    const ics = seeded.body.credentials.find((c: { clientId: string }) => c.clientId === 'practitioner').token as string;
    const children = await srv.api.request('GET', `/control/v1/sessions/${seeded.body.session.id}/contactpoint/children`, { token: CONTROL });
    expect(children.body.children.length).toBe(seeded.body.seeded.children);
    expect(ics).toMatch(/^ics_/);
  });
});
