import type { TestDef } from '../../src/harness/engine/types.js';
import { body, contactMatches, referChild, waitForUpdate } from '../support.js';

export const leadProfessional: TestDef = {
  id: 'CP-FEED-012.lead-professional',
  title: 'Setting the lead professional sends the flag; ContactPoint shows whom to contact',
  requirements: ['CP-FEED-012'],
  async run(t) {
    const ref = await referChild(t, { requirement: 'CP-FEED-012' });
    if (!ref.message) return;
    const first = body(ref.message);
    t.check('CP-FEED-012', first.involvement.leadProfessional === false, 'not flagged before it is set', {
      exchange: ref.message.seq,
      path: '/involvement/leadProfessional',
      expected: false,
      actual: first.involvement.leadProfessional,
    });
    t.step("Record the worker as the child's lead professional");
    const afterSeq = t.mock.lastSeq();
    await t.driver.setLeadProfessional(ref.involvementRef, true);
    const upd = await waitForUpdate(
      t,
      first.sourceRecordId,
      'message with leadProfessional: true',
      (m) => m.involvement.leadProfessional === true,
      'CP-FEED-012',
      afterSeq,
    );
    if (!upd) return;
    const cpId = (upd.responseBody as { contactPointId?: string }).contactPointId;
    const view = cpId ? await t.mock.lookup(`/children/${cpId}`) : undefined;
    const lead = view?.body?.leadProfessional;
    t.check('CP-FEED-012', !!lead && contactMatches(lead, ref.recorded.worker), "ContactPoint lists the lead professional's contact", {
      expected: ref.recorded.worker,
      actual: lead,
    });
  },
};
