import type { TestDef } from '../../src/harness/engine/types.js';
import type { ChildIdentity } from '../../src/platform/schemas/common.js';
import { body, referChild, waitForUpdate } from '../support.js';

export const supersededAddress: TestDef = {
  id: 'CP-FEED-007.superseded-address',
  title: 'A change of address is sent as new values for the same source record',
  requirements: ['CP-FEED-007'],
  async run(t) {
    const ref = await referChild(t, { requirement: 'CP-FEED-007' });
    if (!ref.message) return;
    const first = body(ref.message);
    // The new address is another synthetic family's, so it is surely different and surely not real.
    let elsewhere = t.data.child().residence;
    while (elsewhere.status !== 'current' && elsewhere.status !== 'last-known') elsewhere = t.data.child().residence;
    const address = elsewhere.address;
    const moved: ChildIdentity = { ...ref.child, residence: { status: 'current', address } };
    t.step(`Change the child's address to ${address.lines.join(', ')}, ${address.postcode}`);
    const afterSeq = t.mock.lastSeq();
    await t.driver.updateChild(ref.childRef, moved);
    const upd = await waitForUpdate(
      t,
      first.sourceRecordId,
      'message with the new address',
      (m) => m.child.residence.status === 'current' && m.child.residence.address.postcode === address.postcode,
      'CP-FEED-007',
      afterSeq,
    );
    if (!upd) return;
    const m = body(upd);
    t.check('CP-FEED-007', m.messageId !== first.messageId, 'the update is a new message (new message ID)', {
      exchange: upd.seq,
      path: '/messageId',
      actual: m.messageId,
    });
    // The journal orders the two; sentAt need only not contradict it (a clock in whole seconds may date both alike).
    const newer = Date.parse(m.sentAt) >= Date.parse(first.sentAt);
    t.check(
      'CP-FEED-007',
      newer,
      newer ? 'the update is not dated before the original' : 'the update is dated before the original: ContactPoint takes it for stale data',
      { exchange: upd.seq, path: '/sentAt', expected: `≥ ${first.sentAt}`, actual: m.sentAt },
    );
    t.check('CP-FEED-007', (upd.responseBody as { status?: string })?.status === 'accepted', 'ContactPoint applied it (not stale)', {
      exchange: upd.seq,
      actual: (upd.responseBody as { status?: string })?.status,
    });
  },
};
