import type { TestDef } from '../../src/harness/engine/types.js';
import { caseChild, referChild } from '../support.js';
import { attemptAbout, attemptsAbout, backsOff, gapMs, sameRecord } from './support.js';

export const backoff: TestDef = {
  id: 'RES-003.backoff',
  title: 'Without Retry-After the system backs off: its waits grow',
  requirements: ['RES-003', 'RES-001'],
  async run(t) {
    const child = caseChild(t);
    await t.faultFor(child, { operationId: 'submitInvolvement', kind: 'error', status: 503, count: 3 });
    t.step('ContactPoint answers the next three attempts with 503 and no Retry-After');
    await referChild(t, { child, requirement: 'RES-001', expect: false });
    const first = await t.expectMessage('RES-001', 'a first attempt', attemptAbout(child));
    if (!first) return;
    const ok = await t.expectMessage(
      'RES-001',
      'delivery after three 503s',
      attemptAbout(child, (e) => e.status < 300),
      { afterSeq: first.seq - 1, timeoutMs: t.timeouts.giveUpMs },
    );
    if (!ok) return;
    const attempts = sameRecord(await attemptsAbout(t, child), first).filter((e) => e.seq <= ok.seq);
    const gaps = attempts.slice(1).map((e, i) => gapMs(attempts[i]!, e));
    t.check('RES-001', attempts.length === 4, `delivered on attempt ${attempts.length}`, { expected: 4, actual: attempts.length });
    t.check('RES-003', backsOff(gaps), `waits between attempts: ${gaps.join(', ')} ms`, {
      expected: 'the last wait at least 1.5 times the shortest before it',
      actual: gaps,
    });
  },
};
