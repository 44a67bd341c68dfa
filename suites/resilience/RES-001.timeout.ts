import type { TestDef } from '../../src/harness/engine/types.js';
import { caseChild, referChild } from '../support.js';
import { attemptAbout, attemptsAbout, messageIdOf, sameRecord } from './support.js';

export const timeout: TestDef = {
  id: 'RES-001.timeout',
  title: 'When ContactPoint answers too slowly the system retries with the same message ID: the involvement is stored once',
  requirements: ['RES-001'],
  async run(t) {
    // Slower than the system's own request timeout: it gives up on the request, though ContactPoint still stores it.
    const latencyMs = t.timeouts.sutRequestMs + 500;
    const child = caseChild(t);
    await t.faultFor(child, { operationId: 'submitInvolvement', kind: 'latency', latencyMs, count: 1 });
    t.step(`ContactPoint takes ${latencyMs} ms to answer the next message`);
    await referChild(t, { child, requirement: 'RES-001', expect: false });
    const slow = await t.expectMessage(
      'RES-001',
      'the slow first attempt to finish',
      attemptAbout(child, (e) => e.fault !== undefined),
      { timeoutMs: latencyMs + t.timeouts.messageMs },
    );
    if (!slow) return;
    await t.mock.settle(t.timeouts.quietMs, t.timeouts.messageMs);
    const attempts = sameRecord(await attemptsAbout(t, child), slow);
    t.check('RES-001', attempts.length >= 2, `the system retried after its timeout (${attempts.length} attempts)`, {
      expected: '≥ 2 attempts',
      actual: attempts.length,
    });
    const ids = new Set(attempts.map(messageIdOf));
    t.check('RES-001', ids.size === 1, 'every attempt carried the same message ID', { expected: 1, actual: [...ids] });
    const stored = attempts.filter((e) => e.status === 202);
    t.check('RES-001', stored.length === 1, `the involvement was stored once (${stored.length})`, { expected: 1, actual: stored.length });
  },
};
