import type { TestDef } from '../../src/harness/engine/types.js';
import { addYears } from '../../src/platform/clock.js';
import { TestContext } from '../../src/harness/engine/context.js';
import { aSystem } from '../../src/harness/model/profiles.js';
import { caseChild, isInvolvement, referChild } from '../support.js';

export const under18: TestDef = {
  id: 'CP-FEED-005.under-18',
  title: "No involvement is sent for a young person aged 18 or over, whatever age the system's caseload runs to",
  requirements: ['CP-FEED-005'],
  async run(t) {
    const base = caseChild(t);
    // Eighteen today: ContactPoint holds children up to their 18th birthday. For a Connexions system
    // (caseload to 19) this is one of its own young people, not an outsider.
    const child = { ...base, dateOfBirth: addYears(t.data.today, -18) };
    const within =
      t.profile.caseload.maxAge >= 18 ? ` (still in the caseload of ${aSystem(t.profile.type)}, which runs to ${t.profile.caseload.maxAge})` : '';
    t.step(`The young person is 18 today${within}`);
    const ref = await referChild(t, { child, expect: false });
    const sent = await t.sentWithin((e) => isInvolvement(e) && TestContext.aboutChild(ref.child)(e));
    t.check(
      'CP-FEED-005',
      !sent,
      sent
        ? `an involvement for an 18-year-old reached ContactPoint${within}`
        : `nothing was sent for an 18-year-old within ${t.timeouts.messageMs} ms`,
      {
        ...(sent ? { exchange: sent.seq } : {}),
        expected: 'no accepted message',
        actual: sent ? 'accepted' : 'none',
      },
    );
  },
};
