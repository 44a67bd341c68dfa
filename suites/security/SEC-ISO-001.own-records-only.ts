import { randomUUID } from 'node:crypto';
import type { TestDef } from '../../src/harness/engine/types.js';
import { body, caseChild, messagesAbout, referChild } from '../support.js';

export const ownRecordsOnly: TestDef = {
  id: 'SEC-ISO-001.own-records-only',
  title: "The system neither reads nor changes another source system's records, and calls only permitted operations",
  requirements: ['SEC-ISO-001', 'SEC-AUTH-002'],
  capability: 'contactpoint-feed',
  async run(t) {
    const child = caseChild(t);
    // Another authority's system already has an involvement for the same child.
    const theirs = `NB-${randomUUID().slice(0, 8)}`;
    t.step("Another authority's system records an involvement for the same child");
    const other = await t.mock.national('POST', '/contactpoint/v1/involvements', 'ics-neighbour', {
      messageId: randomUUID(),
      sourceRecordId: theirs,
      sentAt: new Date().toISOString(),
      child,
      involvement: { service: 'youth-service', contact: t.data.worker('youth-service', 'team'), startDate: t.data.today, leadProfessional: false },
    });
    t.check('SEC-ISO-001', other.status === 202, "the other system's involvement is in place", { actual: other.status });
    const ref = await referChild(t, { child, requirement: 'SEC-ISO-001' });
    await t.driver.updateChild(ref.childRef, { ...child, formerNames: [{ given: child.name.given, family: 'Previously' }] });
    const mine = await messagesAbout(t, child);
    t.check(
      'SEC-ISO-001',
      mine.every((e) => body(e).sourceRecordId !== theirs),
      "the system never sent under the other system's record ID",
      { expected: `not ${theirs}`, actual: mine.map((e) => body(e).sourceRecordId) },
    );
    const all = await t.sutEntries();
    const foreignReads = all.filter((e) => e.operationId === 'getSourceRecord' && e.status === 404);
    t.check('SEC-ISO-001', foreignReads.length === 0, "no attempt to read another system's record", { expected: 0, actual: foreignReads.length });
    const forbidden = all.filter((e) => e.status === 403);
    t.check('SEC-AUTH-002', forbidden.length === 0, 'every call was an operation the system is accredited for', {
      expected: 0,
      actual: forbidden.map((e) => e.operationId),
    });
  },
};
