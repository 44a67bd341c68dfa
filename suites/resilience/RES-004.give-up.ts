import type { TestDef } from '../../src/engine/types.js';
import { referChild } from '../support.js';
import { attemptsAbout } from './support.js';

export const giveUp: TestDef = {
  id: 'RES-004.give-up',
  title: 'When ContactPoint stays down the system stops after bounded attempts and reports the message undelivered',
  requirements: ['RES-004'],
  async run(t) {
    await t.mock.addFault({ operationId: 'submitInvolvement', kind: 'error', status: 503 });
    t.step('ContactPoint answers every attempt with 503 until further notice');
    const ref = await referChild(t, { requirement: 'RES-004', expect: false });
    const first = await t.expectMessage('RES-004', 'a first attempt', (e) => e.operationId === 'submitInvolvement');
    if (!first) return;
    const started = Date.now();
    // Quiet for a while means the system stopped; still retrying at the deadline means it never gives up.
    await t.mock.settle(Math.max(t.timeouts.quietMs * 5, 500), t.timeouts.giveUpMs);
    const elapsed = Date.now() - started;
    const attempts = await attemptsAbout(t, ref.child);
    t.check('RES-004', elapsed < t.timeouts.giveUpMs, `stopped retrying after ${attempts.length} attempts`, { expected: `stops within ${t.timeouts.giveUpMs} ms`, actual: `${attempts.length} attempts over ${elapsed} ms` });
    const deliveries = await t.driver.deliveries();
    const mine = deliveries.find((d) => d.messageId === (first.requestBody as { messageId?: string }).messageId || d.messageId === '*');
    t.check('RES-004', !!mine && mine.state !== 'delivered', 'the system reports the message as not delivered (kept, not lost)', { expected: 'pending or failed', actual: mine ?? 'not reported' });
  },
};
