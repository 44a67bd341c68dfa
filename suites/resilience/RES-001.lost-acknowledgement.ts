import type { TestDef } from '../../src/engine/types.js';
import { referChild } from '../support.js';
import { attemptsAbout, isNew, messageIdOf } from './support.js';

export const lostAcknowledgement: TestDef = {
  id: 'RES-001.lost-acknowledgement',
  title: 'When the connection drops after ContactPoint stored the message, the retry reuses the message ID: stored once',
  requirements: ['RES-001', 'CP-FEED-001'],
  async run(t) {
    await t.mock.addFault({ operationId: 'submitInvolvement', kind: 'drop-after-commit', count: 1 });
    t.step('ContactPoint stores the next message but the connection drops before the answer');
    const ref = await referChild(t, { requirement: 'RES-001', expect: false });
    const answered = await t.expectMessage('RES-001', 'a retry after the dropped connection', (e) => e.operationId === 'submitInvolvement' && e.verdict !== 'fault' && e.status < 300);
    if (!answered) return;
    const attempts = await attemptsAbout(t, ref.child);
    const first = attempts[0]!;
    const ids = new Set(attempts.map(messageIdOf));
    t.check('RES-001', ids.size === 1, 'every attempt carried the same message ID', { expected: messageIdOf(first), actual: [...ids] });
    t.check('CP-FEED-001', ids.size === 1 && messageIdOf(first) !== undefined, 'a retry of the same message reuses its message ID', { expected: messageIdOf(first), actual: [...ids] });
    const stored = attempts.filter((e) => isNew(e) || e.verdict === 'fault');
    t.check('RES-001', stored.length === 1, `the involvement was stored once (${stored.length})`, { expected: 1, actual: stored.length });
  },
};
