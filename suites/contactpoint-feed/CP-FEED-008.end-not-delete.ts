import type { TestDef } from '../../src/harness/engine/types.js';
import { body, referChild, waitForUpdate } from '../support.js';

export const endNotDelete: TestDef = {
  id: 'CP-FEED-008.end-not-delete',
  title: 'Ending an involvement sends its end date; it stays visible on ContactPoint',
  requirements: ['CP-FEED-008', 'CP-FEED-010', 'STORY-001'],
  async run(t) {
    const ref = await referChild(t, { requirement: 'CP-FEED-008', startDate: '2026-01-05' });
    if (!ref.message) return;
    const first = body(ref.message);
    const endDate = t.data.today;
    t.step(`End the involvement on ${endDate}`);
    const afterSeq = t.mock.lastSeq();
    await t.driver.endInvolvement(ref.involvementRef, endDate);
    const ended = await waitForUpdate(
      t,
      first.sourceRecordId,
      `message with end date ${endDate}`,
      (m) => m.involvement.endDate !== undefined,
      'CP-FEED-008',
      afterSeq,
    );
    if (!ended) return;
    const m = body(ended);
    t.check('CP-FEED-008', m.sourceRecordId === first.sourceRecordId, 'the ending came as an end date on the same source record', {
      exchange: ended.seq,
      path: '/sourceRecordId',
      expected: first.sourceRecordId,
      actual: m.sourceRecordId,
    });
    t.check('CP-FEED-010', m.involvement.endDate === endDate, 'the end date is the one recorded', {
      exchange: ended.seq,
      path: '/involvement/endDate',
      expected: endDate,
      actual: m.involvement.endDate,
    });
    t.check('CP-FEED-010', m.involvement.startDate === first.involvement.startDate, 'the start date is unchanged', {
      exchange: ended.seq,
      path: '/involvement/startDate',
      expected: first.involvement.startDate,
      actual: m.involvement.startDate,
    });
    const cpId = (ended.responseBody as { contactPointId?: string }).contactPointId;
    if (!cpId) return void t.check('CP-FEED-008', false, 'the end message was not applied to a child', { exchange: ended.seq });
    const view = await t.mock.lookup(`/children/${cpId}`);
    const shown = (view.body.involvements ?? []) as Array<{ endDate?: string; service: string }>;
    t.check(
      'STORY-001',
      shown.some((i) => i.endDate === endDate),
      'a practitioner still sees the ended involvement with whom to contact',
      { expected: `involvement ended ${endDate}`, actual: shown },
    );
  },
};
