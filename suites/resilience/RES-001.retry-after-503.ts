import type { TestDef } from '../../src/harness/engine/types.js';
import { caseChild, referChild } from '../support.js';
import { attemptAbout, attemptsAbout, gapMs, isNew, messageIdOf, sameRecord } from './support.js';

/** One scenario per status: the SUT must retry, wait as told, reuse the message ID, deliver once. */
function retryAfter(status: 503 | 429): TestDef {
  return {
    id: `RES-001.retry-after-${status}`,
    title: `After a ${status} with Retry-After the system retries later with the same message ID and delivers once`,
    requirements: ['RES-001', 'RES-002'],
    async run(t) {
      const child = caseChild(t);
      await t.faultFor(child, { operationId: 'submitInvolvement', kind: 'error', status, retryAfterSeconds: 1, count: 1 });
      t.step(`ContactPoint answers the next message with ${status} and Retry-After: 1`);
      await referChild(t, { child, requirement: 'RES-001', expect: false });
      const faulted = await t.expectMessage(
        'RES-001',
        `a first attempt (answered ${status})`,
        attemptAbout(child, (e) => e.verdict === 'fault' && e.status === status),
      );
      if (!faulted) return;
      const delivered = await t.expectMessage(
        'RES-001',
        'a successful retry',
        attemptAbout(child, (e) => e.status < 300),
        { afterSeq: faulted.seq, timeoutMs: t.timeouts.messageMs + 1000 },
      );
      if (!delivered) return;
      await t.mock.settle(t.timeouts.quietMs, t.timeouts.messageMs);
      const attempts = sameRecord(await attemptsAbout(t, child), faulted);
      const retry = attempts.find((e) => e.seq > faulted.seq)!;
      t.check('RES-001', messageIdOf(retry) === messageIdOf(faulted), 'the retry reused the message ID', {
        exchange: retry.seq,
        path: '/messageId',
        expected: messageIdOf(faulted),
        actual: messageIdOf(retry),
      });
      const waited = gapMs(faulted, retry);
      t.check('RES-002', waited >= 950, `waited ${waited} ms before retrying (Retry-After: 1 s)`, {
        exchange: retry.seq,
        expected: '≥ 1000 ms',
        actual: `${waited} ms`,
      });
      const stored = attempts.filter(isNew);
      t.check('RES-001', stored.length === 1, `delivered exactly once (${stored.length} stored)`, { expected: 1, actual: stored.length });
    },
  };
}

export const retryAfter503 = retryAfter(503);
export const retryAfter429 = retryAfter(429);
