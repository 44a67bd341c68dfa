import type { TestDef } from '../../src/harness/engine/types.js';
import { caseChild, referChild } from '../support.js';
import { attemptAbout, attemptsAbout, isNew, messageIdOf, sameRecord } from './support.js';

export const lostAcknowledgement: TestDef = {
  id: 'RES-001.lost-acknowledgement',
  title: 'When the connection drops after ContactPoint stored the message, the retry reuses the message ID: stored once',
  requirements: ['RES-001', 'CP-FEED-001'],
  async run(t) {
    const child = caseChild(t);
    // Aimed at this child's first message, whenever it comes: no other scenario's message can take it.
    await t.faultFor(child, { operationId: 'submitInvolvement', kind: 'drop-after-commit', count: 1 });
    t.step('ContactPoint stores the next message but the connection drops before the answer');
    await referChild(t, { child, requirement: 'RES-001', expect: false });
    const dropped = await t.expectMessage(
      'RES-001',
      'a first attempt',
      attemptAbout(child, (e) => e.verdict === 'fault'),
    );
    if (!dropped) return;
    const answered = await t.expectMessage(
      'RES-001',
      'a retry after the dropped connection',
      attemptAbout(child, (e) => e.verdict !== 'fault' && e.status < 300),
      { afterSeq: dropped.seq },
    );
    if (!answered) return;
    await t.mock.settle(t.timeouts.quietMs, t.timeouts.messageMs);
    const attempts = sameRecord(await attemptsAbout(t, child), dropped);
    const ids = new Set(attempts.map(messageIdOf));
    t.check('RES-001', ids.size === 1, 'every attempt carried the same message ID', { expected: messageIdOf(dropped), actual: [...ids] });
    t.check('CP-FEED-001', ids.size === 1 && messageIdOf(dropped) !== undefined, 'a retry of the same message reuses its message ID', {
      expected: messageIdOf(dropped),
      actual: [...ids],
    });
    const stored = attempts.filter((e) => isNew(e) || e.verdict === 'fault');
    t.check('RES-001', stored.length === 1, `the involvement was stored once (${stored.length})`, { expected: 1, actual: stored.length });
  },
};
