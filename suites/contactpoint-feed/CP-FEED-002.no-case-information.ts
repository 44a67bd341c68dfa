import { randomBytes } from 'node:crypto';
import type { TestDef } from '../../src/harness/engine/types.js';
import { messagesAbout, referChild } from '../support.js';

export const noCaseInformation: TestDef = {
  id: 'CP-FEED-002.no-case-information',
  title: 'Case information recorded with a referral never reaches ContactPoint',
  requirements: ['CP-FEED-002'],
  async run(t) {
    const marker = `CN${randomBytes(4).toString('hex').toUpperCase()}`;
    const caseNote = `Referred because of neglect concerns raised by the school; mother's medical condition deteriorating (${marker}).`;
    const ref = await referChild(t, { caseNote, requirement: 'CP-FEED-002' });
    const all = await messagesAbout(t, ref.child);
    t.check('CP-FEED-002', all.length > 0, 'the involvement itself was sent', { expected: '≥ 1 message', actual: all.length });
    for (const e of all) {
      const text = JSON.stringify(e.requestBody);
      const leaked = [marker, 'neglect', 'medical condition', 'Referred because'].filter((w) => text.toLowerCase().includes(w.toLowerCase()));
      t.check(
        'CP-FEED-002',
        leaked.length === 0,
        leaked.length ? `case note text reached ContactPoint: ${leaked.join(', ')}` : 'no case note text in the message',
        {
          exchange: e.seq,
          expected: 'no case information',
          actual: leaked.length ? leaked : 'none',
        },
      );
    }
  },
};
