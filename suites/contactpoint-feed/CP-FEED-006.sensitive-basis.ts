import type { TestDef } from '../../src/harness/engine/types.js';
import { sensitiveServiceOf } from '../../src/harness/model/profiles.js';
import { body, caseChild, referChild, waitForUpdate } from '../support.js';

export const sensitiveBasis: TestDef = {
  id: 'CP-FEED-006.sensitive-basis',
  title: "A sensitive service's involvement states its basis, from referral to discharge",
  requirements: ['CP-FEED-006'],
  async run(t) {
    // Only a system that may report sexual health, mental health or substance misuse is judged on it (the profile table says which).
    const service = sensitiveServiceOf(t.profile);
    t.onlyIf(service !== undefined, 'it reports no sensitive service (CP-FEED-006 concerns sexual health, mental health and substance misuse)');
    const ref = await referChild(t, {
      child: caseChild(t, { minAge: 13 }),
      service: service!,
      sensitiveBasis: 'consent',
      requirement: 'CP-FEED-006',
    });
    if (!ref.message) return;
    const m = body(ref.message);
    t.check('CP-FEED-006', m.involvement.sensitiveBasis === 'consent', 'the basis recorded (consent) is sent', {
      exchange: ref.message.seq,
      path: '/involvement/sensitiveBasis',
      expected: 'consent',
      actual: m.involvement.sensitiveBasis,
    });
    // The basis belongs to every message about the involvement, the ending too.
    const endDate = t.data.today;
    t.step(`End the involvement on ${endDate} (${t.profile.work.ends})`);
    const afterSeq = t.mock.lastSeq();
    await t.driver.endInvolvement(ref.involvementRef, endDate);
    const ended = await waitForUpdate(
      t,
      m.sourceRecordId,
      `message with end date ${endDate}`,
      (x) => x.involvement.endDate !== undefined,
      'CP-FEED-006',
      afterSeq,
    );
    if (!ended) return;
    t.check('CP-FEED-006', body(ended).involvement.sensitiveBasis === 'consent', 'the ending states the basis too', {
      exchange: ended.seq,
      path: '/involvement/sensitiveBasis',
      expected: 'consent',
      actual: body(ended).involvement.sensitiveBasis,
    });
  },
};
