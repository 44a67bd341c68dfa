import type { TestDef } from '../../src/harness/engine/types.js';
import { aSystem } from '../../src/harness/model/profiles.js';
import { body, caseChild, referChild } from '../support.js';

export const identifiers: TestDef = {
  id: 'CP-FEED-003.identifiers',
  title: 'Every identifier held (NHS number, UPN, ULN) is sent unchanged and valid',
  requirements: ['CP-FEED-003'],
  async run(t) {
    // Old enough to hold a ULN as well, where the kind of system works with young people that age.
    const child = caseChild(t, { minAge: Math.min(14, t.profile.caseload.maxAge) });
    const ref = await referChild(t, { child, requirement: 'CP-FEED-003' });
    if (!ref.message) return;
    const m = body(ref.message);
    const held = Object.entries(child.identifiers);
    // Only identifiers the system holds are sent: none invented for a child who has none (run --hard-children gives such children).
    const invented = Object.keys(m.child.identifiers).filter((k) => !(k in child.identifiers));
    t.check(
      'CP-FEED-003',
      invented.length === 0,
      invented.length
        ? `identifiers sent that the child does not hold: ${invented.join(', ')}`
        : `only identifiers held are sent (${held.length ? held.map(([k]) => k).join(', ') : 'none held'})`,
      { exchange: ref.message.seq, path: '/child/identifiers', expected: child.identifiers, actual: m.child.identifiers },
    );
    // The identifiers this kind of system is expected to hold (a school's UPN, Connexions' ULN) are judged first, when the child holds them.
    for (const k of t.profile.identifiers.filter((x) => child.identifiers[x] !== undefined))
      t.check('CP-FEED-003', typeof m.child.identifiers[k] === 'string', `the ${k} ${aSystem(t.profile.type)} holds is sent`, {
        exchange: ref.message.seq,
        path: `/child/identifiers/${k}`,
        expected: child.identifiers[k],
        actual: m.child.identifiers[k],
      });
    for (const [k, v] of held)
      t.check('CP-FEED-003', (m.child.identifiers as Record<string, string>)[k] === v, `${k} is sent as held`, {
        exchange: ref.message.seq,
        path: `/child/identifiers/${k}`,
        expected: v,
        actual: (m.child.identifiers as Record<string, string>)[k],
      });
  },
};
