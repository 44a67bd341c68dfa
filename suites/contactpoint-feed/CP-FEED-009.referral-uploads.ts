import type { TestDef } from '../../src/harness/engine/types.js';
import { body, contactMatches, messagesAbout, referChild } from '../support.js';

export const referralUploads: TestDef = {
  id: 'CP-FEED-009.referral-uploads',
  title:
    "Recording a referral (or the kind of system's own start of work: an enrolment, a clinic referral, an order) uploads one involvement with the right service, contact, dates and identifiers",
  requirements: ['CP-FEED-009', 'CP-FEED-004', 'CP-FEED-010', 'CP-FEED-003', 'CP-FEED-013', 'CP-FEED-014'],
  async run(t) {
    const ref = await referChild(t);
    if (!ref.message) return;
    const m = body(ref.message);
    const seq = ref.message.seq;
    t.check('CP-FEED-014', ref.message.status === 202 || ref.message.status === 200, 'ContactPoint accepted the message', {
      exchange: seq,
      actual: ref.message.status,
    });
    t.check('CP-FEED-009', m.involvement.service === ref.recorded.service, `service is ${m.involvement.service}`, {
      exchange: seq,
      path: '/involvement/service',
      expected: ref.recorded.service,
      actual: m.involvement.service,
    });
    t.check('CP-FEED-004', contactMatches(m.involvement.contact, ref.recorded.worker), "contact is the worker or their organisation's central team", {
      exchange: seq,
      path: '/involvement/contact',
      expected: ref.recorded.worker,
      actual: m.involvement.contact,
    });
    t.check('CP-FEED-010', m.involvement.startDate === ref.recorded.startDate, 'start date is the one recorded', {
      exchange: seq,
      path: '/involvement/startDate',
      expected: ref.recorded.startDate,
      actual: m.involvement.startDate,
    });
    t.check('CP-FEED-010', m.involvement.endDate === undefined, 'an open involvement has no end date', {
      exchange: seq,
      path: '/involvement/endDate',
      expected: undefined,
      actual: m.involvement.endDate,
    });
    for (const k of ['nhsNumber', 'upn', 'uln'] as const) {
      const held = ref.child.identifiers[k];
      if (held)
        t.check('CP-FEED-003', m.child.identifiers[k] === held, `${k} sent is the one held`, {
          exchange: seq,
          path: `/child/identifiers/${k}`,
          expected: held,
          actual: m.child.identifiers[k],
        });
    }
    t.check('CP-FEED-010', m.child.dateOfBirth === ref.child.dateOfBirth, 'date of birth is the one held', {
      exchange: seq,
      path: '/child/dateOfBirth',
      expected: ref.child.dateOfBirth,
      actual: m.child.dateOfBirth,
    });
    t.step("Add a former name to the child's record");
    await t.driver.updateChild(ref.childRef, {
      ...ref.child,
      formerNames: [...ref.child.formerNames, { given: ref.child.name.given, family: 'Former' }],
    });
    const all = await messagesAbout(t, ref.child);
    const records = new Set(all.map((e) => body(e).sourceRecordId));
    t.check('CP-FEED-009', records.size === 1, `one referral gives one involvement record, whatever changes later (got ${records.size})`, {
      expected: 1,
      actual: [...records],
    });
    const reads = (await t.sutEntries()).filter((e) => e.operationId === 'searchChildren' || e.operationId === 'getChild');
    t.check('CP-FEED-013', reads.length === 0, 'the system did not read ContactPoint back', { expected: 0, actual: reads.length });
  },
};
