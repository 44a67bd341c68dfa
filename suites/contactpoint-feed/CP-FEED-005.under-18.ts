import type { TestDef } from '../../src/engine/types.js';
import { addYears } from '../../src/core/clock.js';
import { TestContext } from '../../src/engine/context.js';
import { isInvolvement, referChild } from '../support.js';

export const under18: TestDef = {
  id: 'CP-FEED-005.under-18',
  title: 'No involvement is sent for a young person aged 18 or over',
  requirements: ['CP-FEED-005'],
  async run(t) {
    const base = t.data.child();
    // Eighteen today: ContactPoint holds children up to their 18th birthday.
    const child = { ...base, dateOfBirth: addYears(t.data.today, -18) };
    const ref = await referChild(t, { child, service: 'youth-service', expect: false });
    const sent = await t.sentWithin((e) => isInvolvement(e) && TestContext.aboutChild(ref.child)(e));
    t.check('CP-FEED-005', !sent, sent ? 'an involvement for an 18-year-old reached ContactPoint' : `nothing was sent for an 18-year-old within ${t.timeouts.messageMs} ms`, {
      ...(sent ? { exchange: sent.seq } : {}),
      expected: 'no accepted message',
      actual: sent ? 'accepted' : 'none',
    });
  },
};
