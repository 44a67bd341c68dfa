import type { TestDef } from '../../src/engine/types.js';
import { body, referChild } from '../support.js';

export const identifiers: TestDef = {
  id: 'CP-FEED-003.identifiers',
  title: 'Every identifier held (NHS number, UPN, ULN) is sent unchanged and valid',
  requirements: ['CP-FEED-003'],
  async run(t) {
    const child = t.data.child({ minAge: 14 });
    const ref = await referChild(t, { child, service: 'youth-service', requirement: 'CP-FEED-003' });
    if (!ref.message) return;
    const m = body(ref.message);
    const held = Object.entries(child.identifiers);
    t.check('CP-FEED-003', held.length > 0, 'the child holds identifiers', { actual: child.identifiers });
    for (const [k, v] of held)
      t.check('CP-FEED-003', (m.child.identifiers as Record<string, string>)[k] === v, `${k} is sent as held`, { exchange: ref.message.seq, path: `/child/identifiers/${k}`, expected: v, actual: (m.child.identifiers as Record<string, string>)[k] });
  },
};
