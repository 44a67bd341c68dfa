import type { TestDef } from '../../src/engine/types.js';
import { body, referChild } from '../support.js';

export const sensitiveBasis: TestDef = {
  id: 'CP-FEED-006.sensitive-basis',
  title: 'A sensitive service\'s involvement states its basis',
  requirements: ['CP-FEED-006'],
  async run(t) {
    const ref = await referChild(t, { child: t.data.child({ minAge: 13 }), service: 'mental-health', sensitiveBasis: 'consent', requirement: 'CP-FEED-006' });
    if (!ref.message) return;
    const m = body(ref.message);
    t.check('CP-FEED-006', m.involvement.sensitiveBasis === 'consent', 'the basis recorded (consent) is sent', {
      exchange: ref.message.seq,
      path: '/involvement/sensitiveBasis',
      expected: 'consent',
      actual: m.involvement.sensitiveBasis,
    });
  },
};
